using System.Numerics;

namespace EdgeLam.Inference.Segments;

/// <summary>
/// The capacity buckets of the KV cache: powers of two from <see cref="Minimum"/>, clamped to the context limit.
/// Every segment of a chain applies the same rule, so all caches of a conversation share one capacity and the
/// pipeline's attention mask fits them all. Growth is geometric: at most log2(limit) reallocations per conversation.
/// </summary>
public static class KvCapacity
{
    /// <summary>The smallest bucket.</summary>
    public const int Minimum = 16;

    /// <summary>The bucket holding <paramref name="positions"/> positions under <paramref name="contextLimit"/>.</summary>
    public static int For(int positions, int contextLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(positions, contextLimit);
        var bucket = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Math.Max(positions, Minimum)), int.MaxValue);
        return Math.Min(bucket, contextLimit);
    }
}
