using EdgeLam.Core.Tensors;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Inference.Links;

/// <summary>Element types on the wire.</summary>
internal static class WireDTypeMapping
{
    public static WireDType ToWire(TensorElementType type) =>
        WireDTypes.TryFromElementType(type, out var dtype)
            ? dtype
            : throw new InferenceException("Element type " + type.OnnxName() + " cannot cross a stage boundary.");

    public static TensorElementType FromWire(WireDType type) =>
        WireDTypes.IsDefined(type)
            ? WireDTypes.ToElementType(type)
            : throw new InferenceException("Unknown wire element type " + (int)type + ".");
}
