using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Planning;

/// <summary>
/// What running and cutting one model costs, independent of the nodes: per block its weights, KV cache and compute,
/// the embedding (or sensor encoder) before block 0 and the head after the last block, and per block boundary the
/// activation bytes that cross a cut there. Boundary b lies before block b: 0 is after the embedding, L before the head.
/// </summary>
/// <param name="Blocks">The transformer blocks in order (L of them).</param>
/// <param name="Embedding">The embedding or sensor encoder, always on the gateway.</param>
/// <param name="Head">Final norm and LM head, always on the last node of a chain.</param>
/// <param name="Cuts">L + 1 entries, one per boundary; null where the model cannot be cut.</param>
/// <param name="ResultBytes">Bytes the last node returns to the gateway per step (sampled token or logits).</param>
public sealed record CostTable(
    IReadOnlyList<BlockCost> Blocks,
    EndCost Embedding,
    EndCost Head,
    IReadOnlyList<CutCost?> Cuts,
    long ResultBytes)
{
    /// <summary>Number of blocks L.</summary>
    public int BlockCount => Blocks.Count;
}

/// <summary>Cost of one transformer block.</summary>
/// <param name="WeightBytes">Bytes of its weights in memory.</param>
/// <param name="KvBytesPerPosition">KV-cache bytes it keeps per position of one session (past key + value).</param>
/// <param name="ComputeUnits">Relative compute cost of one position (FLOPs per token in the model's cost table).</param>
public readonly record struct BlockCost(long WeightBytes, long KvBytesPerPosition, double ComputeUnits);

/// <summary>Cost of the embedding (or sensor encoder) or of the head.</summary>
public readonly record struct EndCost(long WeightBytes, double ComputeUnits);

/// <summary>
/// Activation bytes per position crossing a cut, per wire codec; null where a codec cannot carry the cut's tensors
/// (the half-width and int8 codecs carry float32 only).
/// </summary>
public sealed record CutCost(long Raw, long? Float16, long? BFloat16, long? Int8Block32)
{
    /// <summary>Bytes per position with <paramref name="codec"/>, or null when the codec cannot carry this cut.</summary>
    public long? BytesPerPosition(WireCodec codec) => codec switch
    {
        WireCodec.Raw => Raw,
        WireCodec.Float16 => Float16,
        WireCodec.BFloat16 => BFloat16,
        WireCodec.Int8Block32 => Int8Block32,
        _ => null,
    };
}
