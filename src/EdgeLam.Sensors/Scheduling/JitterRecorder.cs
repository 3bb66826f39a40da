namespace EdgeLam.Sensors.Scheduling;

/// <summary>Keeps the latest N lateness values (ns) of a scheduled source in a fixed ring; percentiles on demand.</summary>
public sealed class JitterRecorder
{
    private readonly long[] _values;
    private readonly object _gate = new();
    private int _next;
    private int _count;

    public JitterRecorder(int capacity = 1 << 14)
    {
        _values = new long[capacity];
    }

    public long Recorded { get; private set; }

    public void Record(long latenessNs)
    {
        lock (_gate)
        {
            _values[_next] = latenessNs;
            _next = (_next + 1) % _values.Length;
            _count = Math.Min(_count + 1, _values.Length);
            Recorded++;
        }
    }

    /// <summary>Nearest-rank percentile (0..100) of the recorded lateness in ns; 0 when nothing was recorded.</summary>
    public long Percentile(double percent)
    {
        long[] copy;
        lock (_gate)
        {
            if (_count == 0)
            {
                return 0;
            }

            copy = _values[.._count];
        }

        Array.Sort(copy);
        var rank = (int)Math.Ceiling(percent / 100.0 * copy.Length);
        return copy[Math.Clamp(rank - 1, 0, copy.Length - 1)];
    }

    public long[] Snapshot()
    {
        lock (_gate)
        {
            return _values[.._count];
        }
    }
}
