namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// This node's measured decode cost: the compute time of its recent decode steps (the last <see cref="Window"/>),
/// per hosted layer. A planner compares nodes by it; prefill steps are left out (their cost grows with the prompt).
/// Thread-safe (steps are recorded on the stage's thread, read on the status loop).
/// </summary>
internal sealed class DecodeCostMeter
{
    public const int Window = 64;
    private readonly Lock _gate = new();
    private readonly double[] _ms = new double[Window];
    private long _count;

    /// <summary>Records one decode step's compute time on this node.</summary>
    public void Record(TimeSpan compute)
    {
        lock (_gate)
        {
            _ms[_count % Window] = compute.TotalMilliseconds;
            _count++;
        }
    }

    /// <summary>Decode steps recorded so far.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>The median compute time of the recent decode steps divided by <paramref name="layers"/>; null before any step.</summary>
    public double? MedianMsPerLayer(int layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        double[] recent;
        lock (_gate)
        {
            if (_count == 0)
            {
                return null;
            }

            recent = _ms[..(int)Math.Min(_count, Window)];
        }

        Array.Sort(recent);
        var mid = recent.Length / 2;
        var median = recent.Length % 2 == 1 ? recent[mid] : (recent[mid - 1] + recent[mid]) / 2;
        return median / layers;
    }
}
