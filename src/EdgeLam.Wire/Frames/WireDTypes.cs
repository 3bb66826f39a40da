using EdgeLam.Core.Tensors;

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

    /// <summary>The wire dtype of an ONNX element type; false for types a frame cannot carry (string, float64, …).</summary>
    public static bool TryFromElementType(TensorElementType elementType, out WireDType dtype)
    {
        dtype = elementType switch
        {
            TensorElementType.Float32 => WireDType.Float32,
            TensorElementType.Float16 => WireDType.Float16,
            TensorElementType.BFloat16 => WireDType.BFloat16,
            TensorElementType.Int64 => WireDType.Int64,
            TensorElementType.Int32 => WireDType.Int32,
            TensorElementType.Int8 => WireDType.Int8,
            TensorElementType.UInt8 => WireDType.UInt8,
            TensorElementType.Bool => WireDType.Bool,
            _ => 0,
        };
        return dtype != 0;
    }

    /// <summary>The ONNX element type of a wire dtype (<see cref="TensorElementType.Undefined"/> for an undefined value).</summary>
    public static TensorElementType ToElementType(WireDType dtype) => dtype switch
    {
        WireDType.Float32 => TensorElementType.Float32,
        WireDType.Float16 => TensorElementType.Float16,
        WireDType.BFloat16 => TensorElementType.BFloat16,
        WireDType.Int64 => TensorElementType.Int64,
        WireDType.Int32 => TensorElementType.Int32,
        WireDType.Int8 => TensorElementType.Int8,
        WireDType.UInt8 => TensorElementType.UInt8,
        WireDType.Bool => TensorElementType.Bool,
        _ => TensorElementType.Undefined,
    };
}
