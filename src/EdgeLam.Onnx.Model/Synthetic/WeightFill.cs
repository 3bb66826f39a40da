namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>How a weight tensor is filled: <c>value = Center + Scale * u</c> with u from <see cref="SeededRandom"/>.</summary>
internal readonly record struct WeightFill(float Center, float Scale)
{
    /// <summary>A [in, out] projection: uniform with standard deviation 1/sqrt(in), so activations keep their scale.</summary>
    public static WeightFill Linear(int fanIn) => new(0f, MathF.Sqrt(3f / fanIn));

    /// <summary>Embedding rows: uniform in [-1, 1).</summary>
    public static WeightFill Embedding => new(0f, 1f);

    /// <summary>Norm gains: 1 ± 0.1.</summary>
    public static WeightFill NormGain => new(1f, 0.1f);

    /// <summary>Biases: ± 0.1.</summary>
    public static WeightFill Bias => new(0f, 0.1f);
}
