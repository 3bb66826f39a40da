using System.Runtime.InteropServices;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Core.Npy;

/// <summary>
/// A dense, C-ordered tensor as held in an <c>.npy</c> file: element type, shape, and the raw little-endian bytes.
/// The array owns <see cref="Data"/>; nothing copies it implicitly.
/// </summary>
public sealed class NpyArray
{
    private readonly long[] _shape;

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">The type is unsupported or the byte count does not match the shape.</exception>
    public NpyArray(TensorElementType elementType, ReadOnlySpan<long> shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var size = elementType.SizeInBytes();
        if (size == 0 || elementType == TensorElementType.String)
        {
            throw new ArgumentException("Element type " + elementType.OnnxName() + " cannot be stored densely.", nameof(elementType));
        }

        var count = TensorElementTypeExtensions.ElementCount(shape);
        if (checked(count * size) != data.LongLength)
        {
            throw new ArgumentException(
                "Shape " + TensorShape.Format(shape) + " of " + elementType.OnnxName() + " needs " + (count * size) + " bytes; " + data.Length + " given.",
                nameof(data));
        }

        ElementType = elementType;
        _shape = shape.ToArray();
        Data = data;
    }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions (C order).</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public long ElementCount => Data.LongLength / ElementType.SizeInBytes();

    /// <summary>The raw little-endian element bytes, C order.</summary>
    public byte[] Data { get; }

    /// <summary>Creates an array by copying <paramref name="values"/>; <typeparamref name="T"/> picks the element type.</summary>
    /// <remarks><see cref="bool"/> maps to bool (one byte, 0 or 1), <see cref="Half"/> to float16, <see cref="BFloat16"/> to bfloat16.</remarks>
    public static NpyArray Create<T>(ReadOnlySpan<T> values, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var type = ElementTypeOf<T>();
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        return new NpyArray(type, shape, bytes);
    }

    /// <summary>Views the data as elements of <typeparamref name="T"/> (must match <see cref="ElementType"/>).</summary>
    public Span<T> AsSpan<T>()
        where T : unmanaged
    {
        var type = ElementTypeOf<T>();
        if (type != ElementType)
        {
            throw new InvalidOperationException("The array holds " + ElementType.OnnxName() + ", not " + type.OnnxName() + ".");
        }

        return MemoryMarshal.Cast<byte, T>(Data.AsSpan());
    }

    /// <summary>Every element widened to double (float16 and bfloat16 exactly).</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[ElementCount];
        ElementConversions.ToDouble(Data, ElementType, result);
        return result;
    }

    /// <summary>The element type represented by a CLR type.</summary>
    /// <exception cref="NotSupportedException">The CLR type has no tensor element type.</exception>
    public static TensorElementType ElementTypeOf<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return TensorElementType.Float32;
        if (typeof(T) == typeof(Half)) return TensorElementType.Float16;
        if (typeof(T) == typeof(BFloat16)) return TensorElementType.BFloat16;
        if (typeof(T) == typeof(double)) return TensorElementType.Float64;
        if (typeof(T) == typeof(long)) return TensorElementType.Int64;
        if (typeof(T) == typeof(int)) return TensorElementType.Int32;
        if (typeof(T) == typeof(short)) return TensorElementType.Int16;
        if (typeof(T) == typeof(sbyte)) return TensorElementType.Int8;
        if (typeof(T) == typeof(byte)) return TensorElementType.UInt8;
        if (typeof(T) == typeof(ushort)) return TensorElementType.UInt16;
        if (typeof(T) == typeof(uint)) return TensorElementType.UInt32;
        if (typeof(T) == typeof(ulong)) return TensorElementType.UInt64;
        if (typeof(T) == typeof(bool)) return TensorElementType.Bool;
        throw new NotSupportedException(typeof(T).Name + " is not a tensor element type.");
    }
}
