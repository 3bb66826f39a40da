namespace EdgeLam.Core.Tensors;

/// <summary>
/// Tensor element types with the numeric values of ONNX <c>TensorProto.DataType</c>, which ONNX Runtime's
/// <c>ONNXTensorElementDataType</c> (onnxruntime_c_api.h) uses unchanged. The values cross the native boundary as is.
/// </summary>
public enum TensorElementType
{
    /// <summary>No type (ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED).</summary>
    Undefined = 0,

    /// <summary>IEEE 754 binary32.</summary>
    Float32 = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>Variable-length string (not supported by the tensor helpers).</summary>
    String = 8,

    /// <summary>Boolean stored as one byte (0 or 1).</summary>
    Bool = 9,

    /// <summary>IEEE 754 binary16.</summary>
    Float16 = 10,

    /// <summary>IEEE 754 binary64.</summary>
    Float64 = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>Complex number of two binary32.</summary>
    Complex64 = 14,

    /// <summary>Complex number of two binary64.</summary>
    Complex128 = 15,

    /// <summary>Brain floating point: the upper 16 bits of a binary32.</summary>
    BFloat16 = 16,
}
