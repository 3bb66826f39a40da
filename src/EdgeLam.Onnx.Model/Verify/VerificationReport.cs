using EdgeLam.Core.Tensors;

namespace EdgeLam.Onnx.Model.Verify;

/// <summary>Largest absolute differences allowed between a split and its source, per output element type.</summary>
/// <param name="Float32">For float32 and float64 outputs.</param>
/// <param name="Float16">For float16 and bfloat16 outputs.</param>
public sealed record VerifyTolerances(double Float32, double Float16)
{
    /// <summary>1e-4 for float32, 2e-3 for float16: what holds between two correct runtimes on the shared models.</summary>
    public static VerifyTolerances Default { get; } = new(1e-4, 2e-3);

    /// <summary>The tolerance for an output of <paramref name="type"/>; integer and boolean outputs must be equal.</summary>
    public double For(TensorElementType type) => type switch
    {
        TensorElementType.Float32 or TensorElementType.Float64 => Float32,
        TensorElementType.Float16 or TensorElementType.BFloat16 => Float16,
        _ => 0,
    };
}

/// <summary>One output of one case: the largest absolute difference between split and source.</summary>
/// <param name="Case">The case name.</param>
/// <param name="Output">The output name.</param>
/// <param name="ElementType">The source's element type of the output.</param>
/// <param name="Largest">Largest absolute difference; infinity when the output is missing, has another shape or type, or NaN where the source has a number.</param>
/// <param name="Tolerance">The tolerance it is held to.</param>
public sealed record OutputDifference(string Case, string Output, TensorElementType ElementType, double Largest, double Tolerance)
{
    /// <summary>Whether the difference is within the tolerance.</summary>
    public bool Within => Largest <= Tolerance;
}

/// <summary>What <c>model split --verify</c> found: the generated cases and every output's largest difference.</summary>
public sealed record VerificationReport(IReadOnlyList<VerificationCase> Cases, IReadOnlyList<OutputDifference> Differences)
{
    /// <summary>Whether every output of every case is within its tolerance.</summary>
    public bool Passed => Differences.All(d => d.Within);

    /// <summary>The largest difference over every output and case.</summary>
    public double Largest => Differences.Count == 0 ? 0 : Differences.Max(d => d.Largest);
}
