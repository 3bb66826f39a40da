using System.Buffers.Binary;

namespace EdgeLam.Core.Tensors;

/// <summary>Widening of raw little-endian tensor bytes to <see cref="double"/> (comparison, printing, statistics).</summary>
public static class ElementConversions
{
    /// <summary>Converts every element of <paramref name="data"/> (little-endian, element type <paramref name="type"/>) into <paramref name="destination"/>.</summary>
    /// <exception cref="NotSupportedException">The type has no numeric meaning here (string, complex).</exception>
    /// <exception cref="ArgumentException">The byte count does not match the destination length.</exception>
    public static void ToDouble(ReadOnlySpan<byte> data, TensorElementType type, Span<double> destination)
    {
        var size = type.SizeInBytes();
        if (size == 0 || type is TensorElementType.Complex64 or TensorElementType.Complex128)
        {
            throw new NotSupportedException("Element type " + type.OnnxName() + " has no numeric conversion.");
        }

        if ((long)destination.Length * size != data.Length)
        {
            throw new ArgumentException("Data holds " + data.Length + " bytes; " + destination.Length + " elements of " + type.OnnxName() + " need " + ((long)destination.Length * size) + ".", nameof(data));
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var e = data.Slice(i * size, size);
            destination[i] = type switch
            {
                TensorElementType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(e),
                TensorElementType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(e),
                TensorElementType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(e),
                TensorElementType.BFloat16 => BFloat16.FromBits(BinaryPrimitives.ReadUInt16LittleEndian(e)).ToSingle(),
                TensorElementType.UInt8 or TensorElementType.Bool => e[0],
                TensorElementType.Int8 => (sbyte)e[0],
                TensorElementType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
                TensorElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(e),
                TensorElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(e),
                TensorElementType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
                TensorElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(e),
                TensorElementType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(e),
                _ => throw new NotSupportedException("Element type " + type.OnnxName() + " has no numeric conversion."),
            };
        }
    }
}
