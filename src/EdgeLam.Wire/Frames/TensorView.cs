using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Wire.Frames;

/// <summary>One tensor of a validated frame; every span points into the frame.</summary>
public readonly ref struct TensorView
{
    private readonly ReadOnlySpan<byte> _dims;

    internal TensorView(ReadOnlySpan<byte> frame, int offset)
    {
        int nameLength = frame[offset];
        DType = (WireDType)frame[offset + 1];
        Codec = (WireCodec)frame[offset + 2];
        Rank = frame[offset + 3];
        int pos = offset + FrameLayout.TensorPrefixLength;
        NameUtf8 = frame.Slice(pos, nameLength);
        pos += nameLength;
        _dims = frame.Slice(pos, 4 * Rank);
        pos += 4 * Rank;
        int scaleLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[pos..]);
        int payloadLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(pos + 4)..]);
        pos += 8;
        ScaleData = frame.Slice(pos, scaleLength);
        Payload = frame.Slice(pos + scaleLength, payloadLength);
    }

    /// <summary>The name as UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> NameUtf8 { get; }

    /// <summary>The element type.</summary>
    public WireDType DType { get; }

    /// <summary>How the elements are encoded.</summary>
    public WireCodec Codec { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank { get; }

    /// <summary>The codec's scale data (int8 block scales; empty for the other codecs).</summary>
    public ReadOnlySpan<byte> ScaleData { get; }

    /// <summary>The encoded elements.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Product of the dimensions.</summary>
    public int ElementCount
    {
        get
        {
            long count = 1;
            for (int d = 0; d < Rank; d++)
            {
                count *= GetDimension(d);
            }

            return (int)count;
        }
    }

    /// <summary>The name (allocates a string; for diagnostics).</summary>
    public string GetName() => Encoding.UTF8.GetString(NameUtf8);

    /// <summary>Dimension <paramref name="index"/>.</summary>
    public int GetDimension(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Rank);
        return (int)BinaryPrimitives.ReadUInt32LittleEndian(_dims[(4 * index)..]);
    }

    /// <summary>Copies the shape into <paramref name="destination"/>; returns false when it is shorter than the rank.</summary>
    public bool TryCopyShape(Span<int> destination)
    {
        if (destination.Length < Rank)
        {
            return false;
        }

        for (int d = 0; d < Rank; d++)
        {
            destination[d] = GetDimension(d);
        }

        return true;
    }

    /// <summary>
    /// Decodes a float tensor (any codec; raw float32, float16 or bfloat16) into the first <see cref="ElementCount"/>
    /// elements of <paramref name="destination"/>.
    /// </summary>
    public FrameError TryDecode(Span<float> destination)
    {
        int count = ElementCount;
        if (destination.Length < count)
        {
            return FrameError.DestinationMismatch;
        }

        Span<float> target = destination[..count];
        switch (Codec)
        {
            case WireCodec.Raw when DType == WireDType.Float32:
                Payload.CopyTo(MemoryMarshal.AsBytes(target));
                return FrameError.None;
            case WireCodec.Raw when DType == WireDType.Float16:
            case WireCodec.Float16:
                Float16Codec.Decode(Payload, target);
                return FrameError.None;
            case WireCodec.Raw when DType == WireDType.BFloat16:
            case WireCodec.BFloat16:
                BFloat16Codec.Decode(Payload, target);
                return FrameError.None;
            case WireCodec.Int8Block32:
                Int8Block32Codec.Decode(ScaleData, Payload, target);
                return FrameError.None;
            default:
                return FrameError.DestinationMismatch;
        }
    }

    /// <summary>
    /// Copies a raw tensor whose dtype has the size of <typeparamref name="T"/> (for example int64 ids into
    /// <see cref="long"/>) into <paramref name="destination"/>.
    /// </summary>
    public FrameError TryCopyRaw<T>(Span<T> destination)
        where T : unmanaged
    {
        if (Codec != WireCodec.Raw || Unsafe.SizeOf<T>() != WireDTypes.SizeOf(DType) || destination.Length < ElementCount)
        {
            return FrameError.DestinationMismatch;
        }

        Payload.CopyTo(MemoryMarshal.AsBytes(destination));
        return FrameError.None;
    }
}
