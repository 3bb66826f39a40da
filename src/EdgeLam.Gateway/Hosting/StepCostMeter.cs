using EdgeLam.Orchestration.Capacity;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// This node's measured compute: the median compute time of its recent decode steps (the last <see cref="Window"/>),
/// and the median compute time per position of its recent prefills (sampled from the chain's running totals,
/// <see cref="SamplePrefill"/>), each in milliseconds per the caller's unit of work (<see cref="NodeCapacityReport"/>
/// records them per compute unit of the range that ran them, so they stay valid when the range changes). Thread-safe: steps are recorded on the stage's thread, read on the
/// status loop; recording allocates nothing.
/// </summary>
internal sealed class StepCostMeter
{
    public const int Window = 64;

    /// <summary>Prefill samples kept (each the mean per position of the prefills between two samples).</summary>
    public const int PrefillWindow = 16;

    private readonly Lock _gate = new();
    private MedianWindow _decodeMs = new(Window);
    private MedianWindow _prefillMsPerPosition = new(PrefillWindow);
    private long _prefillTicks;
    private long _prefillPositions;

    /// <summary>Records one decode step's compute time on this node, divided by <paramref name="units"/> (the caller's unit of work).</summary>
    public void Record(TimeSpan compute, double units = 1)
    {
        lock (_gate)
        {
            _decodeMs.Add(compute.TotalMilliseconds / units);
        }
    }

    /// <summary>
    /// Samples the chain's running prefill totals (Stopwatch ticks and positions): the prefills since the last sample
    /// become one sample of milliseconds per position, divided by <paramref name="units"/> (the caller's unit of work,
    /// 1 for the whole range). Totals that went down (a new chain) restart the count.
    /// </summary>
    public void SamplePrefill(long ticks, long positions, long ticksPerSecond, double units = 1)
    {
        lock (_gate)
        {
            if (ticks < _prefillTicks || positions < _prefillPositions)
            {
                (_prefillTicks, _prefillPositions) = (0, 0);
            }

            var newPositions = positions - _prefillPositions;
            if (newPositions > 0)
            {
                _prefillMsPerPosition.Add((ticks - _prefillTicks) * 1000.0 / ticksPerSecond / newPositions / units);
            }

            (_prefillTicks, _prefillPositions) = (ticks, positions);
        }
    }

    /// <summary>Forgets every step and prefill (the node's speed changed: its throttle).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _decodeMs = new MedianWindow(Window);
            _prefillMsPerPosition = new MedianWindow(PrefillWindow);
            (_prefillTicks, _prefillPositions) = (0, 0);
        }
    }

    /// <summary>Decode steps recorded so far.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _decodeMs.Count;
            }
        }
    }

    /// <summary>Prefill positions sampled so far.</summary>
    public long PrefillPositions
    {
        get
        {
            lock (_gate)
            {
                return _prefillPositions;
            }
        }
    }

    /// <summary>The median compute milliseconds of the recent decode steps per unit of work; null before any.</summary>
    public double? MedianDecodeMs()
    {
        lock (_gate)
        {
            return _decodeMs.Median();
        }
    }

    /// <summary>The median compute milliseconds per prefill position per unit of work; null before any prefill.</summary>
    public double? MedianPrefillMsPerPosition()
    {
        lock (_gate)
        {
            return _prefillMsPerPosition.Median();
        }
    }
}
