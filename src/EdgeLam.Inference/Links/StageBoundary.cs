using System.Diagnostics;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Inference.Links;

/// <summary>
/// One cut of a chain as it crosses a link: encodes the upstream segment's boundary tensors into an activation frame
/// (<see cref="BoundaryFrameCodec"/>), sends it, receives the frame on the other side, validates it and decodes it into
/// tensors for the downstream segment. Buffers are reused while shapes stay the same, so a decode step allocates nothing.
/// </summary>
public sealed class StageBoundary : IDisposable
{
    private readonly BoundaryFrameCodec _codec;

    /// <summary>Creates the boundary for the tensors the downstream segment takes, in its order.</summary>
    public StageBoundary(IStageLink link, IReadOnlyList<string> tensorNames, WireCodec codec)
    {
        ArgumentNullException.ThrowIfNull(link);
        _codec = new BoundaryFrameCodec(link.BoundaryIndex, tensorNames, codec);
        Link = link;
    }

    /// <summary>The link.</summary>
    public IStageLink Link { get; }

    /// <summary>The codec applied to hidden states.</summary>
    public WireCodec Codec => _codec.Codec;

    /// <summary>Stopwatch ticks of the last encode (frame writing and send).</summary>
    public long LastEncodeTicks { get; private set; }

    /// <summary>Stopwatch ticks of the last decode (receive, validation and decoding).</summary>
    public long LastDecodeTicks { get; private set; }

    /// <summary>Bytes of the last frame.</summary>
    public int LastFrameBytes => _codec.LastFrameBytes;

    /// <summary>True when a tensor is encoded with the lossy codec: float32 hidden states [batch, sequence, hidden].</summary>
    public static bool UsesCodec(TensorElementType type, int rank) => BoundaryFrameCodec.UsesCodec(type, rank);

    /// <summary>
    /// Sends <paramref name="values"/> (one per name, in order) and returns the decoded tensors for the downstream
    /// segment, valid until the next transfer.
    /// </summary>
    /// <exception cref="FrameDecodeException">The received frame is corrupt or does not carry the expected tensors.</exception>
    public ReadOnlySpan<OrtValue> Transfer(ReadOnlySpan<OrtValue> values, in FrameHeader header)
    {
        var start = Stopwatch.GetTimestamp();
        Link.Send(_codec.Encode(values, header));
        var encoded = Stopwatch.GetTimestamp();
        var received = _codec.Decode(Link.Receive(), out var got);
        if (got.SessionId != header.SessionId || got.Step != header.Step)
        {
            throw new FrameDecodeException("Frame for session " + got.SessionId + " step " + got.Step + " boundary " + got.BoundaryIndex
                + " arrived where session " + header.SessionId + " step " + header.Step + " boundary " + header.BoundaryIndex + " was expected.");
        }

        LastEncodeTicks = encoded - start;
        LastDecodeTicks = Stopwatch.GetTimestamp() - encoded;
        return received;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _codec.Dispose();
        Link.Dispose();
    }
}
