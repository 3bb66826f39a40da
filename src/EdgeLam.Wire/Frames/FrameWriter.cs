using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using EdgeLam.Wire.Checksums;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Wire.Frames;

/// <summary>
/// Encodes one activation frame straight into caller memory: a span, or an <see cref="IBufferWriter{T}"/> such as a
/// reused <see cref="ArrayBufferWriter{T}"/>. Write the tensors, then <see cref="Complete"/> fills in the tensor count,
/// the length and the CRC-32C. Allocates nothing. Misuse (a buffer too small, a shape that does not match the data)
/// is a programming error and throws.
/// </summary>
public ref struct FrameWriter
{
    private readonly Span<byte> _buffer;
    private readonly IBufferWriter<byte>? _output;
    private int _position;
    private int _tensorCount;
    private bool _completed;

    /// <summary>Starts a frame at the beginning of <paramref name="destination"/>.</summary>
    public FrameWriter(Span<byte> destination, in FrameHeader header)
    {
        if (destination.Length < FrameLayout.HeaderLength + FrameLayout.TrailerLength)
        {
            throw new ArgumentException("Destination is shorter than an empty frame.", nameof(destination));
        }

        if (((byte)header.Flags & ~(byte)(FrameFlags.Prefill | FrameFlags.EndOfRequest)) != 0)
        {
            throw new ArgumentException("Undefined flag bits are set.", nameof(header));
        }

        _buffer = destination;
        WriteHeader(destination, header);
        _position = FrameLayout.HeaderLength;
    }

    /// <summary>
    /// Starts a frame in <paramref name="output"/>, reserving <paramref name="maxFrameLength"/> bytes;
    /// <see cref="Complete"/> advances the writer by the bytes actually used.
    /// </summary>
    public FrameWriter(IBufferWriter<byte> output, int maxFrameLength, in FrameHeader header)
        : this(GetSpan(output, maxFrameLength), header)
    {
        _output = output;
    }

    /// <summary>Bytes written so far (header and tensors; the trailer is added by <see cref="Complete"/>).</summary>
    public readonly int BytesWritten => _position;

    /// <summary>Writes a float32 tensor encoded with <paramref name="codec"/>.</summary>
    public void WriteTensor(scoped ReadOnlySpan<char> name, scoped ReadOnlySpan<int> shape, WireCodec codec, scoped ReadOnlySpan<float> values)
    {
        Span<byte> scale = BeginTensor(name, WireDType.Float32, shape, codec, values.Length, out Span<byte> payload);
        switch (codec)
        {
            case WireCodec.Raw:
                MemoryMarshal.AsBytes(values).CopyTo(payload);
                break;
            case WireCodec.Float16:
                Float16Codec.Encode(values, payload);
                break;
            case WireCodec.BFloat16:
                BFloat16Codec.Encode(values, payload);
                break;
            case WireCodec.Int8Block32:
                Int8Block32Codec.Encode(values, scale, payload);
                break;
        }
    }

    /// <summary>Writes a tensor of any dtype as raw little-endian element bytes.</summary>
    public void WriteRawTensor(scoped ReadOnlySpan<char> name, WireDType dtype, scoped ReadOnlySpan<int> shape, scoped ReadOnlySpan<byte> data)
    {
        int size = WireDTypes.SizeOf(dtype);
        if (size == 0 || data.Length % size != 0)
        {
            throw new ArgumentException("The data length is not a whole number of elements of the dtype.", nameof(data));
        }

        BeginTensor(name, dtype, shape, WireCodec.Raw, data.Length / size, out Span<byte> payload);
        data.CopyTo(payload);
    }

    /// <summary>Writes a tensor of unmanaged elements (for example <see cref="long"/> position ids) raw.</summary>
    public void WriteRawTensor<T>(scoped ReadOnlySpan<char> name, WireDType dtype, scoped ReadOnlySpan<int> shape, scoped ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != WireDTypes.SizeOf(dtype))
        {
            throw new ArgumentException("The element type does not have the size of the dtype.", nameof(values));
        }

        WriteRawTensor(name, dtype, shape, MemoryMarshal.AsBytes(values));
    }

    /// <summary>
    /// Writes a tensor that is already encoded (for example one taken from a received <see cref="TensorView"/> by a
    /// node that forwards it): the scale data and payload must have exactly the lengths the codec requires.
    /// </summary>
    public void WriteEncodedTensor(
        scoped ReadOnlySpan<char> name, WireDType dtype, scoped ReadOnlySpan<int> shape, WireCodec codec, scoped ReadOnlySpan<byte> scaleData, scoped ReadOnlySpan<byte> payload)
    {
        long elements = 1;
        foreach (int dimension in shape)
        {
            elements *= Math.Clamp(dimension, 0, FrameLimits.MaxDimension);
            elements = Math.Min(elements, FrameLimits.MaxElements + 1);
        }

        if (scaleData.Length != CodecLayout.ScaleLength(codec, elements)
            || payload.Length != CodecLayout.PayloadLength(codec, dtype, elements))
        {
            throw new ArgumentException("Scale data or payload length does not match the codec, dtype and shape.", nameof(payload));
        }

        Span<byte> scale = BeginTensor(name, dtype, shape, codec, elements, out Span<byte> target);
        scaleData.CopyTo(scale);
        payload.CopyTo(target);
    }

    /// <summary>Finishes the frame: tensor count, length, CRC-32C. Returns the frame length.</summary>
    public int Complete()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The frame is already complete.");
        }

        int length = _position + FrameLayout.TrailerLength;
        if (length > _buffer.Length)
        {
            throw new ArgumentException("Destination is too small for the frame trailer.");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[FrameLayout.TensorCountOffset..], (ushort)_tensorCount);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[FrameLayout.FrameLengthOffset..], (uint)length);
        uint crc = Crc32C.Compute(_buffer[.._position]);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_position..], crc);
        _completed = true;
        _output?.Advance(length);
        return length;
    }

    private static Span<byte> GetSpan(IBufferWriter<byte> output, int maxFrameLength)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameLength, FrameLayout.HeaderLength + FrameLayout.TrailerLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameLength, FrameLimits.MaxFrameLength);
        return output.GetSpan(maxFrameLength)[..maxFrameLength];
    }

    private static void WriteHeader(Span<byte> destination, in FrameHeader header)
    {
        Span<byte> h = destination[..FrameLayout.HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(h[FrameLayout.MagicOffset..], FrameLayout.Magic);
        h[FrameLayout.VersionOffset] = FrameLayout.Version;
        h[FrameLayout.FlagsOffset] = (byte)header.Flags;
        BinaryPrimitives.WriteUInt16LittleEndian(h[FrameLayout.TensorCountOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[FrameLayout.FrameLengthOffset..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[FrameLayout.BoundaryOffset..], header.BoundaryIndex);
        BinaryPrimitives.WriteUInt16LittleEndian(h[FrameLayout.ReservedOffset..], 0);
        header.SessionId.TryWriteBytes(h.Slice(FrameLayout.SessionIdOffset, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt64LittleEndian(h[FrameLayout.RequestIdOffset..], header.RequestId);
        BinaryPrimitives.WriteUInt32LittleEndian(h[FrameLayout.StepOffset..], header.Step);
        BinaryPrimitives.WriteUInt32LittleEndian(h[FrameLayout.PlanEpochOffset..], header.PlanEpoch);
        header.ModelId.WriteTo(h.Slice(FrameLayout.ModelIdOffset, ModelId.Length));
    }

    /// <summary>Writes the descriptor; returns the scale span and the payload span to fill.</summary>
    private Span<byte> BeginTensor(
        scoped ReadOnlySpan<char> name, WireDType dtype, scoped ReadOnlySpan<int> shape, WireCodec codec, long elementCount, out Span<byte> payload)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The frame is already complete.");
        }

        if (_tensorCount == FrameLimits.MaxTensors)
        {
            throw new InvalidOperationException($"A frame holds at most {FrameLimits.MaxTensors} tensors.");
        }

        if (!CodecLayout.Supports(codec, dtype))
        {
            throw new ArgumentException($"Codec {codec} cannot carry dtype {dtype}.", nameof(codec));
        }

        if (shape.Length > FrameLimits.MaxRank)
        {
            throw new ArgumentException($"At most {FrameLimits.MaxRank} dimensions.", nameof(shape));
        }

        long product = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0 || dimension > FrameLimits.MaxDimension)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), "A dimension is negative or too large.");
            }

            product *= dimension;
            if (product > FrameLimits.MaxElements)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), "The tensor has too many elements.");
            }
        }

        if (product != elementCount)
        {
            throw new ArgumentException("The data does not have the number of elements the shape describes.", nameof(shape));
        }

        int nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes is 0 or > FrameLimits.MaxNameBytes)
        {
            throw new ArgumentException($"A tensor name has 1 to {FrameLimits.MaxNameBytes} UTF-8 bytes.", nameof(name));
        }

        if (HasTensorNamed(name))
        {
            throw new ArgumentException($"The frame already holds a tensor named '{name}'.", nameof(name));
        }

        long scaleLength = CodecLayout.ScaleLength(codec, elementCount);
        long payloadLength = CodecLayout.PayloadLength(codec, dtype, elementCount);
        long total = FrameLayout.TensorLength(nameBytes, shape.Length, codec, dtype, elementCount);
        if (_position + total + FrameLayout.TrailerLength > _buffer.Length)
        {
            throw new ArgumentException("Destination is too small for this tensor.");
        }

        Span<byte> t = _buffer.Slice(_position, (int)total);
        t[0] = (byte)nameBytes;
        t[1] = (byte)dtype;
        t[2] = (byte)codec;
        t[3] = (byte)shape.Length;
        int p = FrameLayout.TensorPrefixLength;
        p += Encoding.UTF8.GetBytes(name, t.Slice(p, nameBytes));
        foreach (int dimension in shape)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(t[p..], (uint)dimension);
            p += 4;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(t[p..], (uint)scaleLength);
        BinaryPrimitives.WriteUInt32LittleEndian(t[(p + 4)..], (uint)payloadLength);
        p += 8;

        Span<byte> scale = t.Slice(p, (int)scaleLength);
        payload = t.Slice(p + (int)scaleLength, (int)payloadLength);
        _position += (int)total;
        _tensorCount++;
        return scale;
    }

    private readonly bool HasTensorNamed(scoped ReadOnlySpan<char> name)
    {
        Span<byte> utf8 = stackalloc byte[FrameLimits.MaxNameBytes];
        int length = Encoding.UTF8.GetBytes(name, utf8);
        int pos = FrameLayout.HeaderLength;
        for (int t = 0; t < _tensorCount; t++)
        {
            int nameLength = _buffer[pos];
            int rank = _buffer[pos + 3];
            if (_buffer.Slice(pos + FrameLayout.TensorPrefixLength, nameLength).SequenceEqual(utf8[..length]))
            {
                return true;
            }

            int descriptor = FrameLayout.TensorPrefixLength + nameLength + (4 * rank);
            long scale = BinaryPrimitives.ReadUInt32LittleEndian(_buffer[(pos + descriptor)..]);
            long payload = BinaryPrimitives.ReadUInt32LittleEndian(_buffer[(pos + descriptor + 4)..]);
            pos += (int)(descriptor + 8 + scale + payload);
        }

        return false;
    }
}
