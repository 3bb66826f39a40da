namespace EdgeLam.Inference.Chain;

/// <summary>Limits of a segment chain and of each segment it runs.</summary>
public sealed class ChainOptions
{
    /// <summary>
    /// The default context limit (positions per conversation): the one default of every way a model is run, the
    /// daemon's <c>Node:ContextLimit</c> and <c>edgelam generate --context</c> included.
    /// </summary>
    public const int DefaultContextLimit = 512;

    /// <summary>Most positions a conversation may hold (prompt and generated tokens).</summary>
    public int ContextLimit { get; set; } = DefaultContextLimit;

    /// <summary>Native KV bytes all conversations of one segment may hold before the least recently used is evicted.</summary>
    public long MemoryBudgetBytes { get; set; } = 1L << 30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (ContextLimit <= 0)
        {
            throw new ArgumentException("ContextLimit must be positive (got " + ContextLimit + ").");
        }

        if (MemoryBudgetBytes <= 0)
        {
            throw new ArgumentException("MemoryBudgetBytes must be positive (got " + MemoryBudgetBytes + ").");
        }
    }
}
