namespace EdgeLam.Transport.Roles;

/// <summary>What a role reports about the frames it moves (for metrics; raised on the role's message thread).</summary>
public enum RoleTrafficKind
{
    /// <summary>An activation frame was published (bytes: the frame).</summary>
    FrameSent,

    /// <summary>An activation frame was received and decoded (bytes: the frame).</summary>
    FrameReceived,

    /// <summary>A message was rejected (bytes: the message payload).</summary>
    Rejected,
}
