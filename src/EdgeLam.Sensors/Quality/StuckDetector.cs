using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Quality;

/// <summary>
/// Flags a reading as <see cref="SampleQuality.Stuck"/> once every channel has returned exactly the same value for
/// <see cref="RepeatLimit"/> consecutive reads (a frozen register file or a hung ADC). 0 disables the check.
/// </summary>
public sealed class StuckDetector
{
    private readonly double[] _last;
    private int _repeats;

    public StuckDetector(int channels, int repeatLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(repeatLimit);
        _last = new double[channels];
        _last.AsSpan().Fill(double.NaN);
        RepeatLimit = repeatLimit;
    }

    public int RepeatLimit { get; }

    /// <summary>Number of consecutive identical readings so far (1 for a fresh value).</summary>
    public int Repeats => _repeats;

    public void Apply(Span<SensorSample> samples)
    {
        var same = true;
        for (var i = 0; i < samples.Length; i++)
        {
            var v = samples[i].Value;
            if (!v.Equals(_last[i]) || double.IsNaN(v))
            {
                same = false;
            }

            _last[i] = v;
        }

        _repeats = same ? _repeats + 1 : 1;
        if (RepeatLimit > 0 && _repeats >= RepeatLimit)
        {
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = samples[i] with { Quality = samples[i].Quality | SampleQuality.Stuck };
            }
        }
    }
}
