using System.Runtime.InteropServices;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Segments;

/// <summary>
/// The KV cache of one conversation in one segment: per cached tensor a native buffer [heads, capacity, head size]
/// and an <see cref="OrtValue"/> view [1, heads, capacity, head size] over it that is bound as the past input.
/// Positions at or beyond <see cref="Length"/> are padding the attention mask hides. The buffer grows geometrically
/// (<see cref="KvCapacity"/>); between growths a step allocates nothing.
/// </summary>
public sealed unsafe class KvCache : IDisposable
{
    private readonly IReadOnlyList<KvTensorLayout> _layouts;
    private readonly byte*[] _buffers;
    private readonly OrtValue?[] _views;

    internal KvCache(Guid conversation, IReadOnlyList<KvTensorLayout> layouts)
    {
        Conversation = conversation;
        _layouts = layouts;
        _buffers = new byte*[layouts.Count];
        _views = new OrtValue?[layouts.Count];
    }

    /// <summary>The conversation.</summary>
    public Guid Conversation { get; }

    /// <summary>Positions held.</summary>
    public int Length { get; internal set; }

    /// <summary>Positions the buffers can hold.</summary>
    public int Capacity { get; private set; }

    /// <summary>Native bytes held.</summary>
    public long Bytes => Capacity * BytesPerPosition(_layouts);

    internal LinkedListNode<KvCache>? LruNode { get; set; }

    /// <summary>Bytes per position of a whole segment's cache.</summary>
    public static long BytesPerPosition(IReadOnlyList<KvTensorLayout> layouts)
    {
        ArgumentNullException.ThrowIfNull(layouts);
        long total = 0;
        foreach (var l in layouts)
        {
            total += l.BytesPerPosition;
        }

        return total;
    }

    /// <summary>The past view of tensor <paramref name="index"/> [1, heads, <see cref="Capacity"/>, head size].</summary>
    public OrtValue PastView(int index) => _views[index] ?? throw new InvalidOperationException("The cache has no capacity yet.");

    /// <summary>Grows the buffers to <paramref name="capacity"/> positions, keeping the first <see cref="Length"/>.</summary>
    internal void Grow(int capacity)
    {
        if (capacity <= Capacity)
        {
            return;
        }

        for (var t = 0; t < _layouts.Count; t++)
        {
            var layout = _layouts[t];
            var bytes = (nuint)(layout.BytesPerPosition * capacity);
            var next = (byte*)NativeMemory.AlignedAlloc(bytes == 0 ? 1 : bytes, 64);

            // Padding must hold finite values: the mask gives it zero weight, and 0 x NaN would still be NaN.
            NativeMemory.Clear(next, bytes);
            var old = _buffers[t];
            if (old != null)
            {
                var row = layout.RowBytes;
                for (var h = 0; h < layout.Heads; h++)
                {
                    Buffer.MemoryCopy(old + ((long)h * Capacity * row), next + ((long)h * capacity * row), (long)capacity * row, (long)Length * row);
                }
            }

            _views[t]?.Dispose();
            _buffers[t] = next;
            if (old != null)
            {
                NativeMemory.AlignedFree(old);
            }

            _views[t] = OrtValue.CreateTensor(layout.ElementType, (nint)next, (long)bytes, [1, layout.Heads, capacity, layout.HeadSize]);
        }

        Capacity = capacity;
    }

    /// <summary>
    /// Copies positions [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>) of a present
    /// output [1, heads, <paramref name="presentLength"/>, head size] to positions [<see cref="Length"/>, ...).
    /// </summary>
    internal void Append(int index, ReadOnlySpan<byte> present, int presentLength, int from, int count)
    {
        var layout = _layouts[index];
        var row = layout.RowBytes;
        if (present.Length < (long)layout.Heads * presentLength * row || from + count > presentLength || Length + count > Capacity)
        {
            throw new InferenceException("Present output '" + layout.PresentName + "' does not have the expected shape.");
        }

        fixed (byte* src = present)
        {
            for (var h = 0; h < layout.Heads; h++)
            {
                Buffer.MemoryCopy(
                    src + ((((long)h * presentLength) + from) * row),
                    _buffers[index] + ((((long)h * Capacity) + Length) * row),
                    (long)(Capacity - Length) * row,
                    (long)count * row);
            }
        }
    }

    /// <summary>Copies the first <see cref="Length"/> positions of tensor <paramref name="index"/> to <paramref name="compact"/> as [heads, length, head size].</summary>
    internal void CopyTo(int index, Span<byte> compact)
    {
        var layout = _layouts[index];
        var rows = (long)Length * layout.RowBytes;
        if (compact.Length != rows * layout.Heads)
        {
            throw new ArgumentException("Tensor '" + layout.PastName + "' holds " + (rows * layout.Heads) + " bytes at " + Length + " positions; the span has " + compact.Length + ".", nameof(compact));
        }

        fixed (byte* dst = compact)
        {
            for (var h = 0; h < layout.Heads; h++)
            {
                Buffer.MemoryCopy(_buffers[index] + ((long)h * Capacity * layout.RowBytes), dst + (h * rows), rows, rows);
            }
        }
    }

    /// <summary>Writes <paramref name="compact"/> [heads, <paramref name="length"/>, head size] to positions 0.. of tensor <paramref name="index"/>; the capacity must hold them.</summary>
    internal void Load(int index, ReadOnlySpan<byte> compact, int length)
    {
        var layout = _layouts[index];
        var rows = (long)length * layout.RowBytes;
        if (compact.Length != rows * layout.Heads || length > Capacity)
        {
            throw new ArgumentException("Tensor '" + layout.PastName + "' takes " + (rows * layout.Heads) + " bytes for " + length + " positions within capacity " + Capacity + "; " + compact.Length + " were given.", nameof(compact));
        }

        fixed (byte* src = compact)
        {
            for (var h = 0; h < layout.Heads; h++)
            {
                Buffer.MemoryCopy(src + (h * rows), _buffers[index] + ((long)h * Capacity * layout.RowBytes), (long)(Capacity * layout.RowBytes), rows);
            }
        }
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        for (var t = 0; t < _buffers.Length; t++)
        {
            _views[t]?.Dispose();
            _views[t] = null;
            if (_buffers[t] != null)
            {
                NativeMemory.AlignedFree(_buffers[t]);
                _buffers[t] = null;
            }
        }

        Capacity = 0;
        Length = 0;
    }
}
