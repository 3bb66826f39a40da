using EdgeLam.Inference.Sampling;

namespace EdgeLam.Inference.Pipeline;

/// <summary>When generation stops and how tokens are picked.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens to generate.</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Tokens that end generation (the stop token is included in the output).</summary>
    public IReadOnlyList<long> StopTokens { get; init; } = [];

    /// <summary>Token choice.</summary>
    public SamplingOptions Sampling { get; init; } = SamplingOptions.Greedy;
}

/// <summary>The outcome of <see cref="InferencePipeline.Generate"/>.</summary>
/// <param name="Tokens">Generated token ids.</param>
/// <param name="StoppedByToken">True when a stop token ended generation.</param>
public sealed record GenerationResult(IReadOnlyList<long> Tokens, bool StoppedByToken);
