using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Scheduling;

/// <summary>Whether a source currently delivers readings.</summary>
public enum SensorState
{
    Healthy,

    /// <summary>Reads fail; the scheduler emits Missing|Degraded samples and retries after an exponential backoff.</summary>
    Degraded,
}

/// <summary>Failure bookkeeping and exponential backoff of one source: initial × 2^(failures-1), capped at max.</summary>
public sealed class SensorHealth
{
    private readonly long _initialBackoffNs;
    private readonly long _maxBackoffNs;

    public SensorHealth(TimeSpan initialBackoff, TimeSpan maxBackoff)
    {
        _initialBackoffNs = (long)initialBackoff.TotalNanoseconds;
        _maxBackoffNs = (long)maxBackoff.TotalNanoseconds;
    }

    public SensorState State { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    public long TotalFailures { get; private set; }

    public long Recoveries { get; private set; }

    public SensorFault? LastFault { get; private set; }

    public string? LastError { get; private set; }

    public long RetryAtNs { get; private set; }

    /// <summary>The backoff scheduled after the latest failure.</summary>
    public long CurrentBackoffNs { get; private set; }

    public bool ShouldAttempt(long nowNs) => State == SensorState.Healthy || nowNs >= RetryAtNs;

    /// <summary>Records a failure; returns true when the source just became degraded.</summary>
    public bool Fail(long nowNs, SensorFault fault, string message)
    {
        var wasHealthy = State == SensorState.Healthy;
        State = SensorState.Degraded;
        ConsecutiveFailures++;
        TotalFailures++;
        LastFault = fault;
        LastError = message;
        var shift = Math.Min(ConsecutiveFailures - 1, 30);
        CurrentBackoffNs = Math.Min(_maxBackoffNs, _initialBackoffNs << shift);
        if (CurrentBackoffNs <= 0)
        {
            CurrentBackoffNs = _maxBackoffNs;
        }

        RetryAtNs = nowNs + CurrentBackoffNs;
        return wasHealthy;
    }

    /// <summary>Records a success; returns true when the source just recovered.</summary>
    public bool Succeed()
    {
        var recovered = State == SensorState.Degraded;
        if (recovered)
        {
            Recoveries++;
        }

        State = SensorState.Healthy;
        ConsecutiveFailures = 0;
        return recovered;
    }
}
