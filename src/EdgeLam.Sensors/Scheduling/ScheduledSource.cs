using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;

namespace EdgeLam.Sensors.Scheduling;

/// <summary>A source with its rate, quality checker, health and jitter statistics, as the scheduler runs it.</summary>
public sealed class ScheduledSource
{
    public ScheduledSource(ISensorSource source, double rateHz, int stuckRepeatLimit, TimeSpan initialBackoff, TimeSpan maxBackoff)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rateHz);
        Source = source;
        RateHz = rateHz;
        PeriodNs = (long)(1e9 / rateHz);
        Buffer = new SensorSample[source.Channels.Count];
        Quality = new QualityChecker(source.Channels, stuckRepeatLimit);
        Health = new SensorHealth(initialBackoff, maxBackoff);
    }

    public ISensorSource Source { get; }

    public double RateHz { get; }

    public long PeriodNs { get; }

    public long NextDueNs { get; internal set; }

    public long Reads { get; internal set; }

    public long MissedTicks { get; internal set; }

    public SensorSample[] Buffer { get; }

    public QualityChecker Quality { get; }

    public SensorHealth Health { get; }

    public JitterRecorder Jitter { get; } = new();
}
