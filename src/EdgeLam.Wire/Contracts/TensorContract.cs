using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Contracts;

/// <summary>One tensor a receiver accepts at a boundary: its name, dtype and shape.</summary>
public sealed class TensorContract
{
    /// <summary>Creates the contract.</summary>
    public TensorContract(string name, WireDType dtype, params DimensionSpec[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!WireDTypes.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype));
        }

        if (shape.Length > FrameLimits.MaxRank)
        {
            throw new ArgumentException($"At most {FrameLimits.MaxRank} dimensions.", nameof(shape));
        }

        Name = name;
        DType = dtype;
        Shape = shape;
    }

    /// <summary>The tensor name (the ONNX input/output name at the cut).</summary>
    public string Name { get; }

    /// <summary>The dtype.</summary>
    public WireDType DType { get; }

    /// <summary>The expected shape.</summary>
    public IReadOnlyList<DimensionSpec> Shape { get; }

    /// <summary>Whether every frame must carry the tensor (default true).</summary>
    public bool Required { get; init; } = true;
}
