namespace EdgeLam.Inference.Links;

/// <summary>
/// The in-process link: keeps a copy of the last frame sent and returns it from <see cref="Receive"/>, so a chain in
/// one process decodes exactly the bytes that would cross MQTT. The buffer grows to the largest frame and is reused.
/// </summary>
public sealed class LoopbackStageLink(int boundaryIndex) : IStageLink
{
    private byte[] _buffer = new byte[4096];
    private int _length = -1;

    /// <inheritdoc />
    public int BoundaryIndex { get; } = boundaryIndex;

    /// <summary>Frames sent so far.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Bytes sent so far.</summary>
    public long BytesSent { get; private set; }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > _buffer.Length)
        {
            _buffer = new byte[Math.Max(frame.Length, _buffer.Length * 2)];
        }

        frame.CopyTo(_buffer);
        _length = frame.Length;
        FramesSent++;
        BytesSent += frame.Length;
    }

    /// <inheritdoc />
    public ReadOnlySpan<byte> Receive()
    {
        if (_length < 0)
        {
            throw new InferenceException("No frame was sent on boundary " + BoundaryIndex + ".");
        }

        var frame = _buffer.AsSpan(0, _length);
        _length = -1;
        return frame;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
