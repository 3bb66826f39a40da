using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Quality;

/// <summary>
/// Flags one source's readings: NaN/±Inf → NotFinite (value kept NaN), outside the channel range → OutOfRange, the
/// same reading repeated → Stuck. Runs on the scheduler thread; no allocation per reading.
/// </summary>
public sealed class QualityChecker
{
    private readonly IReadOnlyList<SensorChannel> _channels;
    private readonly StuckDetector _stuck;

    public QualityChecker(IReadOnlyList<SensorChannel> channels, int stuckRepeatLimit)
    {
        _channels = channels;
        _stuck = new StuckDetector(channels.Count, stuckRepeatLimit);
    }

    public void Apply(Span<SensorSample> samples)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var s = samples[i];
            var q = s.Quality;
            if (!double.IsFinite(s.Value))
            {
                q |= (q & SampleQuality.Missing) != 0 ? SampleQuality.Good : SampleQuality.NotFinite;
                samples[i] = new SensorSample(s.TimestampNs, double.NaN, q);
                continue;
            }

            var c = _channels[i];
            if (s.Value < c.Minimum || s.Value > c.Maximum)
            {
                q |= SampleQuality.OutOfRange;
            }

            samples[i] = s with { Quality = q };
        }

        _stuck.Apply(samples);
    }
}
