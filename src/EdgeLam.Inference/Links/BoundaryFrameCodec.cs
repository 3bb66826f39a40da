using System.Runtime.InteropServices;
using System.Text;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Inference.Links;

/// <summary>
/// Turns the tensors crossing one cut into an activation frame and back: hidden states [batch, sequence, hidden] in
/// float32 go through the chosen codec, every other tensor raw. The frame buffer and the decoded tensors are reused
/// while shapes stay the same, so a decode step allocates nothing. Used by the in-process pipeline with a wire codec
/// and by the MQTT stages, so both send exactly the same bytes.
/// </summary>
public sealed class BoundaryFrameCodec : IDisposable
{
    private readonly string[] _names;
    private readonly int[] _nameBytes;
    private readonly OrtValue?[] _decoded;
    private readonly OrtValue[] _received;
    private byte[] _frame = new byte[4096];

    /// <summary>Creates the codec for <paramref name="tensorNames"/> (the downstream segment's boundary inputs, in its order).</summary>
    public BoundaryFrameCodec(int boundaryIndex, IReadOnlyList<string> tensorNames, WireCodec codec)
    {
        ArgumentNullException.ThrowIfNull(tensorNames);
        if (!CodecLayout.IsDefined(codec))
        {
            throw new ArgumentException("Unknown codec " + (int)codec + ".", nameof(codec));
        }

        if (tensorNames.Count > FrameLimits.MaxTensors)
        {
            throw new InferenceException("Boundary " + boundaryIndex + " carries " + tensorNames.Count + " tensors; a frame holds at most " + FrameLimits.MaxTensors + ".");
        }

        BoundaryIndex = boundaryIndex;
        Codec = codec;
        _names = [.. tensorNames];
        _nameBytes = [.. _names.Select(Encoding.UTF8.GetByteCount)];
        _decoded = new OrtValue?[_names.Length];
        _received = new OrtValue[_names.Length];
    }

    /// <summary>The cut this codec serves.</summary>
    public int BoundaryIndex { get; }

    /// <summary>The codec applied to hidden states.</summary>
    public WireCodec Codec { get; }

    /// <summary>The tensors a frame carries, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Bytes of the last encoded frame.</summary>
    public int LastFrameBytes { get; private set; }

    /// <summary>True when a tensor is encoded with the lossy codec: float32 hidden states [batch, sequence, hidden].</summary>
    public static bool UsesCodec(TensorElementType type, int rank) => type == TensorElementType.Float32 && rank == 3;

    /// <summary>Encodes <paramref name="values"/> (one per name, in order); the frame is valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(ReadOnlySpan<OrtValue> values, in FrameHeader header)
    {
        if (values.Length != _names.Length)
        {
            throw new ArgumentException("Boundary " + BoundaryIndex + " carries " + _names.Length + " tensors; " + values.Length + " were given.", nameof(values));
        }

        long tensorBytes = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            var codec = UsesCodec(v.ElementType, v.Shape.Length) ? Codec : WireCodec.Raw;
            tensorBytes += FrameLayout.TensorLength(_nameBytes[i], v.Shape.Length, codec, WireDTypeMapping.ToWire(v.ElementType), v.ElementCount);
        }

        var length = FrameLayout.FrameLength(tensorBytes);
        if (length > FrameLimits.MaxFrameLength)
        {
            throw new InferenceException("Boundary " + BoundaryIndex + " needs a " + length + "-byte frame; the limit is " + FrameLimits.MaxFrameLength + ".");
        }

        if (length > _frame.Length)
        {
            _frame = new byte[Math.Max(length, _frame.Length * 2L)];
        }

        var writer = new FrameWriter(_frame, header);
        Span<int> shape = stackalloc int[FrameLimits.MaxRank];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            var rank = v.Shape.Length;
            if (rank > FrameLimits.MaxRank)
            {
                throw new InferenceException("Tensor '" + _names[i] + "' has rank " + rank + "; a frame allows " + FrameLimits.MaxRank + ".");
            }

            for (var d = 0; d < rank; d++)
            {
                shape[d] = checked((int)v.Shape[d]);
            }

            if (UsesCodec(v.ElementType, rank))
            {
                writer.WriteTensor(_names[i], shape[..rank], Codec, MemoryMarshal.Cast<byte, float>(v.GetBytes()));
            }
            else
            {
                writer.WriteRawTensor(_names[i], WireDTypeMapping.ToWire(v.ElementType), shape[..rank], v.GetBytes());
            }
        }

        LastFrameBytes = writer.Complete();
        return _frame.AsSpan(0, LastFrameBytes);
    }

    /// <summary>
    /// Validates <paramref name="frame"/> and decodes its tensors (one per name, in order), valid until the next call.
    /// The header is returned so the caller can check session, step, epoch and model against what it expects.
    /// </summary>
    /// <exception cref="FrameDecodeException">The frame is corrupt or lacks a tensor this boundary carries.</exception>
    public ReadOnlySpan<OrtValue> Decode(ReadOnlySpan<byte> frame, out FrameHeader header)
    {
        var view = FrameReader.Read(frame);
        header = view.Header;
        if (header.BoundaryIndex != BoundaryIndex)
        {
            throw new FrameDecodeException("A frame for boundary " + header.BoundaryIndex + " arrived at boundary " + BoundaryIndex + ".");
        }

        Span<long> shape = stackalloc long[FrameLimits.MaxRank];
        for (var i = 0; i < _names.Length; i++)
        {
            if (!view.TryGetTensor(_names[i], out var tensor))
            {
                throw new FrameDecodeException("The frame on boundary " + BoundaryIndex + " lacks tensor '" + _names[i] + "'.");
            }

            var rank = tensor.Rank;
            for (var d = 0; d < rank; d++)
            {
                shape[d] = tensor.GetDimension(d);
            }

            var type = WireDTypeMapping.FromWire(tensor.DType);
            var target = _decoded[i];
            if (target is null || target.ElementType != type || !target.Shape.SequenceEqual(shape[..rank]))
            {
                target?.Dispose();
                _decoded[i] = null;
                target = OrtValue.Allocate(type, shape[..rank]);
                _decoded[i] = target;
            }

            _received[i] = target;

            var bytes = target.GetBytes();
            var error = type == TensorElementType.Float32
                ? tensor.TryDecode(MemoryMarshal.Cast<byte, float>(bytes))
                : type.SizeInBytes() switch
                {
                    1 => tensor.TryCopyRaw(bytes),
                    2 => tensor.TryCopyRaw(MemoryMarshal.Cast<byte, ushort>(bytes)),
                    4 => tensor.TryCopyRaw(MemoryMarshal.Cast<byte, uint>(bytes)),
                    _ => tensor.TryCopyRaw(MemoryMarshal.Cast<byte, ulong>(bytes)),
                };
            if (error != FrameError.None)
            {
                throw new FrameDecodeException(error);
            }
        }

        return _received;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        for (var i = 0; i < _decoded.Length; i++)
        {
            _decoded[i]?.Dispose();
            _decoded[i] = null;
        }
    }
}
