using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Inference.Links;

/// <summary>
/// One cut of a chain as it crosses a link: encodes the upstream segment's boundary tensors into an activation frame
/// (hidden states [batch, sequence, hidden] in float32 with the chosen codec, every other tensor raw), sends it, receives
/// the frame on the other side, validates it and decodes it into tensors for the downstream segment. Frame buffer and
/// decoded tensors are reused while shapes stay the same, so a decode step allocates nothing.
/// </summary>
public sealed class StageBoundary : IDisposable
{
    private readonly string[] _names;
    private readonly int[] _nameBytes;
    private readonly OrtValue?[] _decoded;
    private readonly OrtValue[] _received;
    private byte[] _frame = new byte[4096];

    /// <summary>Creates the boundary for the tensors the downstream segment takes, in its order.</summary>
    public StageBoundary(IStageLink link, IReadOnlyList<string> tensorNames, WireCodec codec)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(tensorNames);
        if (!CodecLayout.IsDefined(codec))
        {
            throw new ArgumentException("Unknown codec " + (int)codec + ".", nameof(codec));
        }

        if (tensorNames.Count > FrameLimits.MaxTensors)
        {
            throw new InferenceException("Boundary " + link.BoundaryIndex + " carries " + tensorNames.Count + " tensors; a frame holds at most " + FrameLimits.MaxTensors + ".");
        }

        Link = link;
        Codec = codec;
        _names = [.. tensorNames];
        _nameBytes = [.. _names.Select(Encoding.UTF8.GetByteCount)];
        _decoded = new OrtValue?[_names.Length];
        _received = new OrtValue[_names.Length];
    }

    /// <summary>The link.</summary>
    public IStageLink Link { get; }

    /// <summary>The codec applied to hidden states.</summary>
    public WireCodec Codec { get; }

    /// <summary>Stopwatch ticks of the last encode (frame writing and send).</summary>
    public long LastEncodeTicks { get; private set; }

    /// <summary>Stopwatch ticks of the last decode (receive, validation and decoding).</summary>
    public long LastDecodeTicks { get; private set; }

    /// <summary>Bytes of the last frame.</summary>
    public int LastFrameBytes { get; private set; }

    /// <summary>True when a tensor is encoded with the lossy codec: float32 hidden states [batch, sequence, hidden].</summary>
    public static bool UsesCodec(TensorElementType type, int rank) => type == TensorElementType.Float32 && rank == 3;

    /// <summary>
    /// Sends <paramref name="values"/> (one per name, in order) and returns the decoded tensors for the downstream
    /// segment, valid until the next transfer.
    /// </summary>
    /// <exception cref="FrameDecodeException">The received frame is corrupt or does not carry the expected tensors.</exception>
    public ReadOnlySpan<OrtValue> Transfer(ReadOnlySpan<OrtValue> values, in FrameHeader header)
    {
        if (values.Length != _names.Length)
        {
            throw new ArgumentException("Boundary " + Link.BoundaryIndex + " carries " + _names.Length + " tensors; " + values.Length + " were given.", nameof(values));
        }

        var start = Stopwatch.GetTimestamp();
        Encode(values, header);
        var encoded = Stopwatch.GetTimestamp();
        Decode(Link.Receive(), header);
        LastEncodeTicks = encoded - start;
        LastDecodeTicks = Stopwatch.GetTimestamp() - encoded;
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

        Link.Dispose();
    }

    private void Encode(ReadOnlySpan<OrtValue> values, in FrameHeader header)
    {
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
            throw new InferenceException("Boundary " + Link.BoundaryIndex + " needs a " + length + "-byte frame; the limit is " + FrameLimits.MaxFrameLength + ".");
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
        Link.Send(_frame.AsSpan(0, LastFrameBytes));
    }

    private void Decode(ReadOnlySpan<byte> frame, in FrameHeader expected)
    {
        var view = FrameReader.Read(frame);
        if (view.Header.SessionId != expected.SessionId || view.Header.Step != expected.Step || view.Header.BoundaryIndex != expected.BoundaryIndex)
        {
            throw new FrameDecodeException("Frame for session " + view.Header.SessionId + " step " + view.Header.Step + " boundary " + view.Header.BoundaryIndex
                + " arrived where session " + expected.SessionId + " step " + expected.Step + " boundary " + expected.BoundaryIndex + " was expected.");
        }

        Span<long> shape = stackalloc long[FrameLimits.MaxRank];
        for (var i = 0; i < _names.Length; i++)
        {
            if (!view.TryGetTensor(_names[i], out var tensor))
            {
                throw new FrameDecodeException("The frame on boundary " + Link.BoundaryIndex + " lacks tensor '" + _names[i] + "'.");
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
    }
}
