namespace EdgeLam.Transport.Roles;

/// <summary>What a stage reports about the frames it moves (for metrics; raised on the stage's message thread).</summary>
public enum StageTrafficKind
{
    /// <summary>An activation frame was published (bytes: the frame).</summary>
    FrameSent,

    /// <summary>An activation frame was received and decoded (bytes: the frame).</summary>
    FrameReceived,

    /// <summary>A message was rejected (bytes: the message payload).</summary>
    Rejected,
}
