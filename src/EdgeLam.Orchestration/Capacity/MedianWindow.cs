namespace EdgeLam.Orchestration.Capacity;

/// <summary>
/// Smooths a measured figure: the median of the last <see cref="Capacity"/> samples, so one slow step (a page fault,
/// a garbage collection elsewhere) does not move it. <see cref="Add"/> allocates nothing; not thread-safe (callers lock).
/// </summary>
public sealed class MedianWindow
{
    private readonly double[] _samples;
    private readonly double[] _scratch;
    private long _count;

    public MedianWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _samples = new double[capacity];
        _scratch = new double[capacity];
    }

    /// <summary>Samples kept (the most recent ones).</summary>
    public int Capacity => _samples.Length;

    /// <summary>Samples added so far (also those no longer kept).</summary>
    public long Count => _count;

    /// <summary>Adds one sample; a sample that is not a finite number ≥ 0 is ignored (false).</summary>
    public bool Add(double sample)
    {
        if (!(sample >= 0 && double.IsFinite(sample)))
        {
            return false;
        }

        _samples[_count % _samples.Length] = sample;
        _count++;
        return true;
    }

    /// <summary>The median of the kept samples (the mean of the middle two for an even number); null before any.</summary>
    public double? Median()
    {
        var n = (int)Math.Min(_count, _samples.Length);
        if (n == 0)
        {
            return null;
        }

        var recent = _scratch.AsSpan(0, n);
        _samples.AsSpan(0, n).CopyTo(recent);
        recent.Sort();
        var mid = n / 2;
        return n % 2 == 1 ? recent[mid] : (recent[mid - 1] + recent[mid]) / 2;
    }
}
