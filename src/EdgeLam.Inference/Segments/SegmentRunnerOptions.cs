namespace EdgeLam.Inference.Segments;

/// <summary>Limits of a segment runner.</summary>
public sealed class SegmentRunnerOptions
{
    /// <summary>Most positions a conversation may hold (prompt and generated tokens).</summary>
    public int ContextLimit { get; set; } = 2048;

    /// <summary>Native KV bytes all conversations of the segment may hold before the least recently used is evicted.</summary>
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
