namespace EdgeLam.Wire.Frames;

/// <summary>Facts about <see cref="WireDType"/> values.</summary>
public static class WireDTypes
{
    /// <summary>Whether <paramref name="dtype"/> is a value this version of the format defines.</summary>
    public static bool IsDefined(WireDType dtype) => dtype is >= WireDType.Float32 and <= WireDType.Bool;

    /// <summary>Bytes per element, or 0 for an undefined value.</summary>
    public static int SizeOf(WireDType dtype) => dtype switch
    {
        WireDType.Float32 or WireDType.Int32 => 4,
        WireDType.Float16 or WireDType.BFloat16 => 2,
        WireDType.Int64 => 8,
        WireDType.Int8 or WireDType.UInt8 or WireDType.Bool => 1,
        _ => 0,
    };
}
