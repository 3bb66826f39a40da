namespace EdgeLam.Wire.Codecs;

/// <summary>The names users give codecs on the command line and in configuration: raw, fp16, bf16, int8.</summary>
public static class WireCodecNames
{
    /// <summary>Every name, in codec order.</summary>
    public static IReadOnlyList<string> All { get; } = ["raw", "fp16", "bf16", "int8"];

    /// <summary>The codec a name stands for.</summary>
    public static bool TryParse(string? name, out WireCodec codec)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "raw":
                codec = WireCodec.Raw;
                return true;
            case "fp16" or "float16":
                codec = WireCodec.Float16;
                return true;
            case "bf16" or "bfloat16":
                codec = WireCodec.BFloat16;
                return true;
            case "int8" or "q8" or "int8block32":
                codec = WireCodec.Int8Block32;
                return true;
            default:
                codec = default;
                return false;
        }
    }

    /// <summary>The name of a codec.</summary>
    public static string Name(WireCodec codec) => codec switch
    {
        WireCodec.Raw => "raw",
        WireCodec.Float16 => "fp16",
        WireCodec.BFloat16 => "bf16",
        WireCodec.Int8Block32 => "int8",
        _ => "codec" + (int)codec,
    };
}
