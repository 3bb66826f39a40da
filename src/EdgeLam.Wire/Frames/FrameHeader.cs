namespace EdgeLam.Wire.Frames;

/// <summary>
/// The fixed fields of an activation frame. The tensor count and frame length are not here: the writer fills them
/// in and the reader reports them on <see cref="FrameView"/>.
/// </summary>
public readonly record struct FrameHeader
{
    /// <summary>Flags.</summary>
    public FrameFlags Flags { get; init; }

    /// <summary>The conversation this step belongs to.</summary>
    public Guid SessionId { get; init; }

    /// <summary>The request (one generate call) within the session.</summary>
    public ulong RequestId { get; init; }

    /// <summary>The step within the request: 0 for prefill, then one per decode step.</summary>
    public uint Step { get; init; }

    /// <summary>The epoch of the split plan that produced the frame.</summary>
    public uint PlanEpoch { get; init; }

    /// <summary>The model.</summary>
    public ModelId ModelId { get; init; }

    /// <summary>The cut this frame crosses: the index of the segment boundary (0 is between segments 0 and 1).</summary>
    public ushort BoundaryIndex { get; init; }
}
