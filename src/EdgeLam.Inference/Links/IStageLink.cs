namespace EdgeLam.Inference.Links;

/// <summary>
/// Carries the activation frame of one step from the end of one stage to the start of the next. The in-process
/// <see cref="LoopbackStageLink"/> hands the bytes straight back; an MQTT link publishes them to the peer that runs the
/// next stage and receives them there. Frames are complete, CRC-protected <c>EdgeLam.Wire</c> frames.
/// </summary>
public interface IStageLink : IDisposable
{
    /// <summary>The boundary this link carries (0 = between segment 0 and segment 1).</summary>
    int BoundaryIndex { get; }

    /// <summary>Sends one frame. The span is only valid during the call.</summary>
    void Send(ReadOnlySpan<byte> frame);

    /// <summary>The next frame for the downstream stage; valid until the next <see cref="Receive"/>.</summary>
    /// <exception cref="InferenceException">No frame arrived (timeout, vanished peer).</exception>
    ReadOnlySpan<byte> Receive();
}
