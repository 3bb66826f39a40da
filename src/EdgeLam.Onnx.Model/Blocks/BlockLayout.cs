using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Blocks;

/// <summary>How the blocks of a layout were found.</summary>
public enum BlockSource
{
    /// <summary>A repeated unit of weight-reading ops along the hidden-state path; names at most broke ties.</summary>
    Structure,

    /// <summary>Block indices in node, weight or KV-cache names (the graph has no repeated unit).</summary>
    Names,
}

/// <summary>Size and KV cache of one transformer block.</summary>
/// <param name="Index">Block ordinal, 0-based, in graph order.</param>
/// <param name="SourceIndex">The index the exporter used in names (usually equal to <paramref name="Index"/>).</param>
/// <param name="NodeCount">Nodes assigned to the block.</param>
/// <param name="Cost">Weights and FLOPs of the block.</param>
/// <param name="KvInputs">KV-cache graph inputs read by the block.</param>
/// <param name="KvOutputs">KV-cache graph outputs written by the block.</param>
public sealed record BlockInfo(
    int Index,
    int SourceIndex,
    int NodeCount,
    StageCost Cost,
    IReadOnlyList<string> KvInputs,
    IReadOnlyList<string> KvOutputs);

/// <summary>Estimated cost of a stage: weight bytes it reads and multiply-accumulate FLOPs per token.</summary>
/// <param name="WeightBytes">Bytes of the initializers the stage's nodes read (shared ones counted in each stage).</param>
/// <param name="FlopsPerToken">2 × weight elements of the matrix products with a constant operand, per token.</param>
public readonly record struct StageCost(long WeightBytes, long FlopsPerToken)
{
    public static StageCost operator +(StageCost a, StageCost b) =>
        new(a.WeightBytes + b.WeightBytes, a.FlopsPerToken + b.FlopsPerToken);

    public static StageCost Add(StageCost a, StageCost b) => a + b;
}

/// <summary>
/// Where every node of a transformer graph belongs: the embedding stage, block i, the head (everything after the last
/// block), or the side computations (attention-mask reformatting, position and rotary handling, shape arithmetic,
/// constants) that depend only on graph inputs and are duplicated into whichever segment needs them.
/// </summary>
public sealed class BlockLayout
{
    /// <summary>Stage of nodes not on the hidden-state path (recomputable from graph inputs and constants).</summary>
    public const int SideStage = int.MinValue;

    /// <summary>Stage of the embedding computation before block 0.</summary>
    public const int EmbeddingStage = -1;

    internal BlockLayout(
        OnnxGraph graph,
        IReadOnlyDictionary<string, TensorType> types,
        int[] stages,
        IReadOnlyList<BlockInfo> blocks,
        StageCost embeddingCost,
        StageCost headCost,
        string evidence,
        string hiddenOrigin,
        BlockSource source)
    {
        Source = source;
        Graph = graph;
        Types = types;
        Stages = stages;
        Blocks = blocks;
        EmbeddingCost = embeddingCost;
        HeadCost = headCost;
        Evidence = evidence;
        HiddenOrigin = hiddenOrigin;
    }

    /// <summary>The analysed graph.</summary>
    public OnnxGraph Graph { get; }

    /// <summary>Inferred tensor types.</summary>
    public IReadOnlyDictionary<string, TensorType> Types { get; }

    /// <summary>Stage per node index: <see cref="EmbeddingStage"/>, 0..BlockCount-1, <see cref="HeadStage"/>, or <see cref="SideStage"/>.</summary>
    public IReadOnlyList<int> Stages { get; }

    /// <summary>The detected blocks in graph order.</summary>
    public IReadOnlyList<BlockInfo> Blocks { get; }

    /// <summary>Number of blocks.</summary>
    public int BlockCount => Blocks.Count;

    /// <summary>Stage of the nodes after the last block (final norm, LM head, pooler).</summary>
    public int HeadStage => Blocks.Count;

    /// <summary>Cost of the embedding stage.</summary>
    public StageCost EmbeddingCost { get; }

    /// <summary>Cost of the head stage.</summary>
    public StageCost HeadCost { get; }

    /// <summary>Which naming conventions or structure identified the blocks.</summary>
    public string Evidence { get; }

    /// <summary>Whether the blocks were found from the graph's structure or from names.</summary>
    public BlockSource Source { get; }

    /// <summary>Where the hidden state starts (the embedding lookup or the float graph inputs).</summary>
    public string HiddenOrigin { get; }

    /// <summary>True when some node computes the embedding before block 0 (so a cut at boundary 0 is possible).</summary>
    public bool HasEmbeddingStage => Stages.Contains(EmbeddingStage);

    /// <summary>True when some node runs after the last block.</summary>
    public bool HasHeadStage => Stages.Contains(HeadStage);

    /// <summary>
    /// Hidden-path tensors crossing block boundary <paramref name="boundary"/> (0 = after the embedding, BlockCount =
    /// before the head): produced before it and read after it, in graph order. Side tensors are recomputed, not cut.
    /// </summary>
    public IReadOnlyList<string> CutTensors(int boundary)
    {
        var cut = new List<string>();
        foreach (var n in Graph.TopologicalOrder)
        {
            if (Stages[n] == SideStage || Stages[n] >= boundary)
            {
                continue;
            }

            foreach (var o in Graph.Nodes[n].Output)
            {
                if (o.Length > 0 && Graph.Consumers(o).Any(c => Stages[c] != SideStage && Stages[c] >= boundary))
                {
                    cut.Add(o);
                }
            }
        }

        return cut;
    }

    /// <summary>Cost of a stage (embedding, block, head).</summary>
    public StageCost CostOf(int stage) =>
        stage == EmbeddingStage ? EmbeddingCost : stage == HeadStage ? HeadCost : Blocks[stage].Cost;
}
