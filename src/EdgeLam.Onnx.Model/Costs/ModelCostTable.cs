namespace EdgeLam.Onnx.Model.Costs;

/// <summary>
/// What running and cutting a model costs, read from the export: per block its weights, compute and KV cache per
/// position, and per block boundary the activation bytes per position that cross a cut there, per wire codec. Stored
/// in <c>manifest.json</c> (<c>costs</c>); the planner's cost table is made from it.
/// </summary>
public sealed record ModelCostTable
{
    /// <summary>What <see cref="StageCostDescription.ComputeUnits"/> counts.</summary>
    public const string FlopsUnit = "flops-per-token";

    /// <summary>Fallback unit when no matrix product has a constant operand (compute then follows the weights).</summary>
    public const string WeightBytesUnit = "weight-bytes";

    public int BlockCount { get; init; }

    /// <summary><see cref="FlopsUnit"/> or <see cref="WeightBytesUnit"/>.</summary>
    public string ComputeUnit { get; init; } = FlopsUnit;

    /// <summary>The embedding (or sensor encoder): everything before block 0.</summary>
    public required StageCostDescription Embedding { get; init; }

    /// <summary>Everything after the last block (final norm, LM head).</summary>
    public required StageCostDescription Head { get; init; }

    public required IReadOnlyList<BlockCostDescription> Blocks { get; init; }

    /// <summary>BlockCount + 1 boundaries; boundary b lies before block b.</summary>
    public required IReadOnlyList<CutCostDescription> Cuts { get; init; }

    /// <summary>Bytes per position of the model's non-KV outputs (the logits the last node returns per step).</summary>
    public long ResultBytesPerPosition { get; init; }
}

/// <summary>Weights and compute of the embedding or head.</summary>
public sealed record StageCostDescription
{
    public long WeightBytes { get; init; }

    public long FlopsPerToken { get; init; }

    /// <summary>FLOPs per token, or weight bytes when the model's unit is <see cref="ModelCostTable.WeightBytesUnit"/>.</summary>
    public double ComputeUnits { get; init; }
}

/// <summary>Weights, compute and KV cache of one block.</summary>
public sealed record BlockCostDescription
{
    public int Index { get; init; }

    public long WeightBytes { get; init; }

    public long FlopsPerToken { get; init; }

    public double ComputeUnits { get; init; }

    /// <summary>KV-cache bytes per position of one session: the block's past key and value together.</summary>
    public long KvBytesPerPosition { get; init; }
}

/// <summary>
/// The tensors crossing a cut at one boundary and their bytes per position per codec. The chosen codec applies to
/// float32 [batch, sequence, hidden] tensors, every other tensor travels raw. For int8 each position is counted with
/// its own scales (hidden + 2 · ⌈hidden / 32⌉); a frame of several positions packs the scales tighter unless 32
/// divides the hidden size.
/// </summary>
public sealed record CutCostDescription
{
    /// <summary>Boundary b: before block b (0 right after the embedding, BlockCount right before the head).</summary>
    public int Boundary { get; init; }

    /// <summary>False where the model cannot be cut (no embedding stage at 0, no head stage at BlockCount).</summary>
    public bool Available { get; init; }

    public long RawBytesPerPosition { get; init; }

    public long Float16BytesPerPosition { get; init; }

    public long BFloat16BytesPerPosition { get; init; }

    public long Int8Block32BytesPerPosition { get; init; }

    /// <summary>Bytes per frame of tensors with no sequence dimension (shapes, masks of fixed size), raw.</summary>
    public long FixedBytes { get; init; }

    public IReadOnlyList<CutTensorDescription> Tensors { get; init => field = value ?? []; } = [];
}

/// <summary>One tensor crossing a cut.</summary>
public sealed record CutTensorDescription
{
    public required string Name { get; init; }

    public required string Dtype { get; init; }

    public IReadOnlyList<string>? Shape { get; init; }

    /// <summary>Product of the fixed dims when some dim is symbolic (batch 1, per sequence position); 0 otherwise.</summary>
    public long ElementsPerPosition { get; init; }

    /// <summary>
    /// True when type inference found no shape and the tensor (floating point) was taken as a hidden state
    /// [batch, sequence, hidden] as wide as the widest known tensor crossing a cut.
    /// </summary>
    public bool ShapeAssumed { get; init; }

    /// <summary>True when the chosen codec encodes it (float32, rank 3).</summary>
    public bool UsesCodec { get; init; }
}
