using System.Text;

namespace EdgeLam.Wire.Frames;

/// <summary>A validated frame: its header and its tensors as spans into the frame bytes.</summary>
public readonly ref struct FrameView
{
    private readonly ReadOnlySpan<byte> _frame;
    private readonly TensorOffsets _offsets;

    internal FrameView(ReadOnlySpan<byte> frame, FrameHeader header, int tensorCount, TensorOffsets offsets)
    {
        _frame = frame;
        Header = header;
        TensorCount = tensorCount;
        _offsets = offsets;
    }

    /// <summary>The header fields.</summary>
    public FrameHeader Header { get; }

    /// <summary>Number of tensors.</summary>
    public int TensorCount { get; }

    /// <summary>Frame length in bytes.</summary>
    public int Length => _frame.Length;

    /// <summary>The tensor at <paramref name="index"/> (0 ≤ index &lt; <see cref="TensorCount"/>).</summary>
    public TensorView GetTensor(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, TensorCount);
        return new TensorView(_frame, _offsets[index]);
    }

    /// <summary>Finds a tensor by its UTF-8 name.</summary>
    public bool TryGetTensor(scoped ReadOnlySpan<byte> utf8Name, out TensorView tensor)
    {
        for (int i = 0; i < TensorCount; i++)
        {
            var candidate = new TensorView(_frame, _offsets[i]);
            if (candidate.NameUtf8.SequenceEqual(utf8Name))
            {
                tensor = candidate;
                return true;
            }
        }

        tensor = default;
        return false;
    }

    /// <summary>Finds a tensor by name.</summary>
    public bool TryGetTensor(ReadOnlySpan<char> name, out TensorView tensor)
    {
        Span<byte> utf8 = stackalloc byte[FrameLimits.MaxNameBytes];
        if (Encoding.UTF8.GetByteCount(name) > FrameLimits.MaxNameBytes)
        {
            tensor = default;
            return false;
        }

        int length = Encoding.UTF8.GetBytes(name, utf8);
        return TryGetTensor(utf8[..length], out tensor);
    }
}
