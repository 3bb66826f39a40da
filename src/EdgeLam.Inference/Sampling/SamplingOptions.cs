namespace EdgeLam.Inference.Sampling;

/// <summary>How the next token is chosen from the logits.</summary>
public sealed record SamplingOptions
{
    /// <summary>Greedy decoding (temperature 0).</summary>
    public static SamplingOptions Greedy { get; } = new();

    /// <summary>0 picks the most likely token (greedy); above 0 divides the logits before the softmax.</summary>
    public float Temperature { get; init; }

    /// <summary>Keep only the K most likely tokens (0 = all).</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches P (1 = all).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seed of the generator (xoshiro256**); the same seed gives the same tokens.</summary>
    public ulong Seed { get; init; }

    /// <summary>True when sampling reduces to the arg max.</summary>
    public bool IsGreedy => Temperature == 0f || TopK == 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0f) || float.IsInfinity(Temperature))
        {
            throw new ArgumentException("Temperature must be a finite number >= 0 (got " + Temperature + ").");
        }

        if (TopK < 0)
        {
            throw new ArgumentException("TopK must be >= 0 (got " + TopK + ").");
        }

        if (!(TopP > 0f && TopP <= 1f))
        {
            throw new ArgumentException("TopP must be in (0, 1] (got " + TopP + ").");
        }
    }
}
