using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Codecs;

/// <summary>Sizes of the scale data and payload each codec produces, and which dtypes a codec accepts.</summary>
public static class CodecLayout
{
    /// <summary>Elements per int8 block.</summary>
    public const int Int8BlockSize = 32;

    /// <summary>Whether <paramref name="codec"/> is a value this version of the format defines.</summary>
    public static bool IsDefined(WireCodec codec) => codec <= WireCodec.Int8Block32;

    /// <summary>Whether <paramref name="codec"/> can carry a tensor of <paramref name="dtype"/>.</summary>
    public static bool Supports(WireCodec codec, WireDType dtype) => codec switch
    {
        WireCodec.Raw => WireDTypes.IsDefined(dtype),
        WireCodec.Float16 or WireCodec.BFloat16 or WireCodec.Int8Block32 => dtype == WireDType.Float32,
        _ => false,
    };

    /// <summary>
    /// Whether a boundary tensor goes through the chosen (lossy) codec: float32 hidden states [batch, sequence, hidden];
    /// every other boundary tensor travels raw.
    /// </summary>
    public static bool UsesChosenCodec(WireDType dtype, int rank) => dtype == WireDType.Float32 && rank == 3;

    /// <summary>Bytes of scale data for <paramref name="elementCount"/> elements.</summary>
    public static long ScaleLength(WireCodec codec, long elementCount) =>
        codec == WireCodec.Int8Block32 ? BlockCount(elementCount) * 2 : 0;

    /// <summary>Bytes of payload for <paramref name="elementCount"/> elements of <paramref name="dtype"/>.</summary>
    public static long PayloadLength(WireCodec codec, WireDType dtype, long elementCount) => codec switch
    {
        WireCodec.Raw => elementCount * WireDTypes.SizeOf(dtype),
        WireCodec.Float16 or WireCodec.BFloat16 => elementCount * 2,
        WireCodec.Int8Block32 => elementCount,
        _ => 0,
    };

    /// <summary>Number of int8 blocks (the last one may be partial).</summary>
    public static long BlockCount(long elementCount) => (elementCount + Int8BlockSize - 1) / Int8BlockSize;
}
