using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model;

/// <summary>Sizes and names of ONNX tensor element types (<see cref="TensorProto.Types.DataType"/> values).</summary>
public static class TensorElementTypes
{
    /// <summary>Bits per element, or 0 for types without a fixed size (string, undefined, unknown).</summary>
    public static int BitsPerElement(int dataType) => (TensorProto.Types.DataType)dataType switch
    {
        TensorProto.Types.DataType.Float => 32,
        TensorProto.Types.DataType.Uint8 => 8,
        TensorProto.Types.DataType.Int8 => 8,
        TensorProto.Types.DataType.Uint16 => 16,
        TensorProto.Types.DataType.Int16 => 16,
        TensorProto.Types.DataType.Int32 => 32,
        TensorProto.Types.DataType.Int64 => 64,
        TensorProto.Types.DataType.Bool => 8,
        TensorProto.Types.DataType.Float16 => 16,
        TensorProto.Types.DataType.Double => 64,
        TensorProto.Types.DataType.Uint32 => 32,
        TensorProto.Types.DataType.Uint64 => 64,
        TensorProto.Types.DataType.Complex64 => 64,
        TensorProto.Types.DataType.Complex128 => 128,
        TensorProto.Types.DataType.Bfloat16 => 16,
        TensorProto.Types.DataType.Float8E4M3Fn => 8,
        TensorProto.Types.DataType.Float8E4M3Fnuz => 8,
        TensorProto.Types.DataType.Float8E5M2 => 8,
        TensorProto.Types.DataType.Float8E5M2Fnuz => 8,
        TensorProto.Types.DataType.Uint4 => 4,
        TensorProto.Types.DataType.Int4 => 4,
        TensorProto.Types.DataType.Float4E2M1 => 4,
        TensorProto.Types.DataType.Float8E8M0 => 8,
        TensorProto.Types.DataType.Uint2 => 2,
        TensorProto.Types.DataType.Int2 => 2,
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="elementCount"/> packed elements occupy (sub-byte types round up).</summary>
    public static long ByteCount(int dataType, long elementCount)
    {
        var bits = BitsPerElement(dataType);
        return bits == 0 ? 0 : ((elementCount * bits) + 7) / 8;
    }

    /// <summary>The lower-case name ONNX Runtime and numpy users know (float32, float16, int64, ...).</summary>
    public static string Name(int dataType) => (TensorProto.Types.DataType)dataType switch
    {
        TensorProto.Types.DataType.Float => "float32",
        TensorProto.Types.DataType.Uint8 => "uint8",
        TensorProto.Types.DataType.Int8 => "int8",
        TensorProto.Types.DataType.Uint16 => "uint16",
        TensorProto.Types.DataType.Int16 => "int16",
        TensorProto.Types.DataType.Int32 => "int32",
        TensorProto.Types.DataType.Int64 => "int64",
        TensorProto.Types.DataType.String => "string",
        TensorProto.Types.DataType.Bool => "bool",
        TensorProto.Types.DataType.Float16 => "float16",
        TensorProto.Types.DataType.Double => "float64",
        TensorProto.Types.DataType.Uint32 => "uint32",
        TensorProto.Types.DataType.Uint64 => "uint64",
        TensorProto.Types.DataType.Complex64 => "complex64",
        TensorProto.Types.DataType.Complex128 => "complex128",
        TensorProto.Types.DataType.Bfloat16 => "bfloat16",
        TensorProto.Types.DataType.Float8E4M3Fn => "float8e4m3fn",
        TensorProto.Types.DataType.Float8E4M3Fnuz => "float8e4m3fnuz",
        TensorProto.Types.DataType.Float8E5M2 => "float8e5m2",
        TensorProto.Types.DataType.Float8E5M2Fnuz => "float8e5m2fnuz",
        TensorProto.Types.DataType.Uint4 => "uint4",
        TensorProto.Types.DataType.Int4 => "int4",
        TensorProto.Types.DataType.Float4E2M1 => "float4e2m1",
        TensorProto.Types.DataType.Float8E8M0 => "float8e8m0",
        TensorProto.Types.DataType.Uint2 => "uint2",
        TensorProto.Types.DataType.Int2 => "int2",
        _ => "undefined(" + dataType.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
    };
}
