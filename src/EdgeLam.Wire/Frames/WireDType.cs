namespace EdgeLam.Wire.Frames;

/// <summary>
/// The element type of a tensor as it exists on both sides of the wire (before encoding and after decoding).
/// The byte values are part of the wire format and never change.
/// </summary>
public enum WireDType : byte
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32 = 1,

    /// <summary>IEEE 754 binary16.</summary>
    Float16 = 2,

    /// <summary>bfloat16 (the upper half of a binary32).</summary>
    BFloat16 = 3,

    /// <summary>Signed 64-bit integer (token ids, position ids).</summary>
    Int64 = 4,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 5,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 6,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 7,

    /// <summary>One byte per element, 0 or 1.</summary>
    Bool = 8,
}
