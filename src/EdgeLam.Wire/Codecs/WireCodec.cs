namespace EdgeLam.Wire.Codecs;

/// <summary>
/// How a tensor's elements are encoded in a frame. The byte values are part of the wire format and never change.
/// </summary>
public enum WireCodec : byte
{
    /// <summary>The element bytes as they are in memory (little-endian); any dtype.</summary>
    Raw = 0,

    /// <summary>Float32 elements rounded to IEEE binary16 (round to nearest, ties to even); 2 bytes per element.</summary>
    Float16 = 1,

    /// <summary>Float32 elements rounded to bfloat16 (round to nearest, ties to even, NaN kept); 2 bytes per element.</summary>
    BFloat16 = 2,

    /// <summary>
    /// Float32 elements quantized to int8 in blocks of 32 with one binary16 scale per block (symmetric, like ggml
    /// Q8_0): 1 byte per element plus 2 bytes per block.
    /// </summary>
    Int8Block32 = 3,
}
