namespace EdgeLam.Core.Tensors;

/// <summary>
/// A model input or output as declared by the model: name, element type and shape. A dynamic dimension is -1 and
/// carries its symbolic name (e.g. <c>batch_size</c>) in <see cref="SymbolicDimensions"/> (empty when unnamed).
/// </summary>
public sealed class TensorSpec
{
    /// <summary>Creates a spec.</summary>
    public TensorSpec(string name, TensorElementType elementType, IReadOnlyList<long> shape, IReadOnlyList<string>? symbolicDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (symbolicDimensions is not null && symbolicDimensions.Count != shape.Count)
        {
            throw new ArgumentException("One symbolic name (possibly empty) per dimension is required.", nameof(symbolicDimensions));
        }

        Name = name;
        ElementType = elementType;
        Shape = shape;
        SymbolicDimensions = symbolicDimensions ?? [.. Enumerable.Repeat(string.Empty, shape.Count)];
    }

    /// <summary>The input or output name.</summary>
    public string Name { get; }

    /// <summary>The element type; <see cref="TensorElementType.Undefined"/> when the value is not a tensor.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>Dimensions; -1 for a dynamic dimension.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Per dimension the symbolic name, or an empty string.</summary>
    public IReadOnlyList<string> SymbolicDimensions { get; }

    /// <summary>The rank (number of dimensions).</summary>
    public int Rank => Shape.Count;

    /// <summary>Whether a concrete shape fits: same rank and every fixed dimension equal.</summary>
    public bool Accepts(ReadOnlySpan<long> shape)
    {
        if (shape.Length != Shape.Count)
        {
            return false;
        }

        for (var i = 0; i < shape.Length; i++)
        {
            if (Shape[i] >= 0 && Shape[i] != shape[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        Name + ": tensor(" + ElementType.OnnxName() + ") " + TensorShape.Format([.. Shape], SymbolicDimensions);
}
