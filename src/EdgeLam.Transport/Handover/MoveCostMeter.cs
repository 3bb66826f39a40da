using EdgeLam.Inference.Ranges;

namespace EdgeLam.Transport.Handover;

/// <summary>
/// What moving a conversation has cost on this gateway, as measured: each prefill (positions → ms, end to end: every
/// stage and hop, so replay's activations on the wire are included) and each KV handover (bytes that crossed the
/// broker → ms, from the send orders to the last acknowledgement). Each is fitted as fixed + per unit × units by
/// least squares over the last <see cref="Window"/> samples (with one size only: per unit = mean ms / mean units, no
/// fixed part). No clock: the caller measures. Thread-safe.
/// </summary>
public sealed class MoveCostMeter
{
    /// <summary>Samples kept per kind.</summary>
    public const int Window = 32;

    private readonly Lock _sync = new();
    private readonly Queue<(double Units, double Ms)> _prefills = new();
    private readonly Queue<(double Units, double Ms)> _handovers = new();

    /// <summary>Records a prefill of <paramref name="positions"/> positions that took <paramref name="ms"/>.</summary>
    public void RecordPrefill(int positions, double ms) => Record(_prefills, positions, ms);

    /// <summary>Records a handover that sent <paramref name="bytes"/> over the broker and took <paramref name="ms"/>.</summary>
    public void RecordHandover(long bytes, double ms) => Record(_handovers, bytes, ms);

    /// <summary>The measured costs, or null until both a prefill and a handover were measured.</summary>
    public MoveCosts? Costs()
    {
        lock (_sync)
        {
            if (_prefills.Count == 0 || _handovers.Count == 0)
            {
                return null;
            }

            var (prefillFixed, prefillPerPosition) = Fit(_prefills);
            var (latency, msPerByte) = Fit(_handovers);
            var bytesPerSecond = msPerByte > 0 ? 1000.0 / msPerByte : double.MaxValue;
            return new MoveCosts(bytesPerSecond, latency, prefillPerPosition, prefillFixed);
        }
    }

    /// <summary>Least-squares fit ms = fixed + slope × units, both clamped to ≥ 0; one size (or a negative slope): slope = mean ms / mean units.</summary>
    internal static (double Fixed, double Slope) Fit(IReadOnlyCollection<(double Units, double Ms)> samples)
    {
        var n = samples.Count;
        var meanX = samples.Average(s => s.Units);
        var meanY = samples.Average(s => s.Ms);
        var sxx = samples.Sum(s => (s.Units - meanX) * (s.Units - meanX));
        var sxy = samples.Sum(s => (s.Units - meanX) * (s.Ms - meanY));
        if (n >= 2 && sxx > 0 && sxy > 0)
        {
            var slope = sxy / sxx;
            return (Math.Max(0, meanY - (slope * meanX)), slope);
        }

        return (0, meanX > 0 ? Math.Max(0, meanY) / meanX : 0);
    }

    private void Record(Queue<(double Units, double Ms)> samples, double units, double ms)
    {
        if (units <= 0 || double.IsNaN(ms) || ms < 0)
        {
            return;
        }

        lock (_sync)
        {
            samples.Enqueue((units, ms));
            while (samples.Count > Window)
            {
                samples.Dequeue();
            }
        }
    }
}
