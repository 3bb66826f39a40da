namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits a random time in [c/2, c] where
/// c = min(max, min·2ⁿ). The floor keeps a broker restart from being hammered; the jitter keeps many nodes that lost
/// the same broker from reconnecting in lockstep.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan min;
    private readonly TimeSpan max;
    private readonly Random random;

    public ReconnectBackoff(TimeSpan min, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        this.min = min;
        this.max = max;
        this.random = random ?? Random.Shared;
    }

    /// <summary>Failed attempts since the last <see cref="Reset"/>.</summary>
    public int Attempt { get; private set; }

    /// <summary>The delay before the next attempt; advances the attempt counter.</summary>
    public TimeSpan Next()
    {
        var ceiling = Ceiling(Attempt);
        Attempt++;
        var half = ceiling.Ticks / 2;
        return TimeSpan.FromTicks(half + (long)(random.NextDouble() * (ceiling.Ticks - half)));
    }

    /// <summary>After a successful connection.</summary>
    public void Reset() => Attempt = 0;

    private TimeSpan Ceiling(int attempt)
    {
        // 2^attempt overflows quickly; past 30 doublings every realistic configuration is at the cap.
        if (attempt >= 30)
        {
            return max;
        }

        var ticks = min.Ticks * (1L << attempt);
        return ticks <= 0 || ticks > max.Ticks ? max : TimeSpan.FromTicks(ticks);
    }
}
