using EdgeLam.Core.Tensors;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Inference.Links;

/// <summary>Element types on the wire.</summary>
internal static class WireDTypeMapping
{
    public static WireDType ToWire(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => WireDType.Float32,
        TensorElementType.Float16 => WireDType.Float16,
        TensorElementType.BFloat16 => WireDType.BFloat16,
        TensorElementType.Int64 => WireDType.Int64,
        TensorElementType.Int32 => WireDType.Int32,
        TensorElementType.Int8 => WireDType.Int8,
        TensorElementType.UInt8 => WireDType.UInt8,
        TensorElementType.Bool => WireDType.Bool,
        _ => throw new InferenceException("Element type " + type.OnnxName() + " cannot cross a stage boundary."),
    };

    public static TensorElementType FromWire(WireDType type) => type switch
    {
        WireDType.Float32 => TensorElementType.Float32,
        WireDType.Float16 => TensorElementType.Float16,
        WireDType.BFloat16 => TensorElementType.BFloat16,
        WireDType.Int64 => TensorElementType.Int64,
        WireDType.Int32 => TensorElementType.Int32,
        WireDType.Int8 => TensorElementType.Int8,
        WireDType.UInt8 => TensorElementType.UInt8,
        WireDType.Bool => TensorElementType.Bool,
        _ => throw new InferenceException("Unknown wire element type " + (int)type + "."),
    };
}
