using EdgeLam.Core.Tensors;

namespace EdgeLam.Core.Npy;

/// <summary>
/// Mapping between NumPy dtype descriptors (the <c>descr</c> header field) and <see cref="TensorElementType"/>.
/// </summary>
/// <remarks>
/// NumPy has no bfloat16. <c>ml_dtypes.bfloat16</c> arrays saved with <c>np.save</c> get the descriptor of their
/// storage, a two-byte void <c>'&lt;V2'</c> (jax-ml/ml_dtypes#41), and Keras reads any two-byte void as bfloat16
/// (keras-team/keras#19091). EdgeLam follows that: bfloat16 is written as <c>'&lt;V2'</c>; <c>'&lt;V2'</c>, <c>'|V2'</c>
/// and the spelling <c>'bfloat16'</c> (what <c>str(dtype)</c> gives with ml_dtypes) are read as bfloat16.
/// In Python: <c>np.load(f).view(ml_dtypes.bfloat16)</c>.
/// </remarks>
public static class NpyDescr
{
    /// <summary>The descriptor written for an element type.</summary>
    /// <exception cref="NotSupportedException">The type has no .npy form here.</exception>
    public static string For(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => "<f4",
        TensorElementType.Float16 => "<f2",
        TensorElementType.Float64 => "<f8",
        TensorElementType.BFloat16 => "<V2",
        TensorElementType.Int64 => "<i8",
        TensorElementType.Int32 => "<i4",
        TensorElementType.Int16 => "<i2",
        TensorElementType.Int8 => "|i1",
        TensorElementType.UInt64 => "<u8",
        TensorElementType.UInt32 => "<u4",
        TensorElementType.UInt16 => "<u2",
        TensorElementType.UInt8 => "|u1",
        TensorElementType.Bool => "|b1",
        _ => throw new NotSupportedException("Element type " + type.OnnxName() + " cannot be written as .npy."),
    };

    /// <summary>Parses a descriptor such as <c>'&lt;f4'</c>.</summary>
    /// <exception cref="NpyFormatException">Big-endian, structured, or an unsupported type.</exception>
    public static TensorElementType Parse(string descr)
    {
        ArgumentNullException.ThrowIfNull(descr);
        if (descr == "bfloat16")
        {
            return TensorElementType.BFloat16;
        }

        if (descr.Length < 3)
        {
            throw new NpyFormatException("Unsupported dtype descriptor '" + descr + "'.");
        }

        var order = descr[0];
        var code = descr[1..];
        var singleByte = code is "i1" or "u1" or "b1";
        switch (order)
        {
            case '<' or '=':
                break;
            case '|' when singleByte || code == "V2":
                break;
            case '>' when singleByte:
                break;
            case '>':
                throw new NpyFormatException("Big-endian dtype '" + descr + "' is not supported; save the array little-endian (arr.astype(arr.dtype.newbyteorder('<'))).");
            default:
                throw new NpyFormatException("Unsupported dtype descriptor '" + descr + "'.");
        }

        return code switch
        {
            "f4" => TensorElementType.Float32,
            "f2" => TensorElementType.Float16,
            "f8" => TensorElementType.Float64,
            "V2" => TensorElementType.BFloat16,
            "i8" => TensorElementType.Int64,
            "i4" => TensorElementType.Int32,
            "i2" => TensorElementType.Int16,
            "i1" => TensorElementType.Int8,
            "u8" => TensorElementType.UInt64,
            "u4" => TensorElementType.UInt32,
            "u2" => TensorElementType.UInt16,
            "u1" => TensorElementType.UInt8,
            "b1" => TensorElementType.Bool,
            _ => throw new NpyFormatException("Unsupported dtype descriptor '" + descr + "' (supported: float32/16/64, bfloat16 as <V2, int8/16/32/64, uint8/16/32/64, bool)."),
        };
    }
}
