using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Windows;

/// <summary>A fixed-capacity ring of one channel's samples; appending overwrites the oldest, never allocates.</summary>
public sealed class SampleRing
{
    private readonly SensorSample[] _items;
    private int _next;

    public SampleRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _items = new SensorSample[capacity];
    }

    public int Capacity => _items.Length;

    public int Count { get; private set; }

    /// <summary>Samples appended in total.</summary>
    public long Appended { get; private set; }

    /// <summary>The newest sample, if any.</summary>
    public SensorSample? Last => Count == 0 ? null : _items[(_next - 1 + _items.Length) % _items.Length];

    public void Append(in SensorSample sample)
    {
        _items[_next] = sample;
        _next = (_next + 1) % _items.Length;
        Appended++;
        if (Count < _items.Length)
        {
            Count++;
        }
    }

    /// <summary>The i-th oldest of the last <paramref name="count"/> samples.</summary>
    public ref readonly SensorSample Recent(int count, int i)
    {
        var start = (_next - count + (2 * _items.Length)) % _items.Length;
        return ref _items[(start + i) % _items.Length];
    }
}
