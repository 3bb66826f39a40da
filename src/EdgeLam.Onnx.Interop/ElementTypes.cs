using EdgeLam.Core.Tensors;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// Element types between <see cref="TensorElementType"/> and the official API's enum. Both carry the ONNX
/// <c>TensorProto.DataType</c> numbers, so the mapping is the number itself (ElementTypeTests checks every member by name).
/// </summary>
internal static class ElementTypes
{
    /// <summary>The official API's element type for <paramref name="type"/>.</summary>
    public static OrtElementType ToOrt(TensorElementType type) => (OrtElementType)(int)type;

    /// <summary>Our element type for the official API's <paramref name="type"/>.</summary>
    public static TensorElementType FromOrt(OrtElementType type) => (TensorElementType)(int)type;
}
