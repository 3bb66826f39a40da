namespace EdgeLam.Wire.Frames;

/// <summary>Header flags. Bits not defined here must be zero; a reader rejects a frame that sets them.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The frame carries a prefill chunk (many positions) rather than one decode step.</summary>
    Prefill = 1,

    /// <summary>The sender will send no further step for this request.</summary>
    EndOfRequest = 2,
}
