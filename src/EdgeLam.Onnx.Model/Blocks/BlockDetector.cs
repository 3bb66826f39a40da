using EdgeLam.Onnx.Model.Blocks.Structure;
using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Blocks;

/// <summary>
/// Finds the transformer blocks of a graph without relying on one exporter. Evidence, strongest first: block scopes
/// in node names, KV-cache input/output names, block indices in weight names. The evidence labels some nodes; the
/// remaining hidden-path nodes (unnamed PyTorch nodes, fused ops, reshapes, residual adds) are placed by graph
/// structure: each one lies between its labelled ancestors and descendants, and where it could go either way, a
/// minimum cut decides so that as few tensors as possible cross each block boundary.
/// </summary>
public static class BlockDetector
{
    /// <summary>Detects the blocks of <paramref name="model"/>'s main graph.</summary>
    /// <exception cref="ModelSurgeryException">No block is recognisable.</exception>
    public static BlockLayout Detect(ModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Detect(new OnnxGraph(model.Graph), Path.GetFileName(model.FilePath) ?? model.Graph.Name);
    }

    /// <summary>Detects the blocks of an indexed graph.</summary>
    public static BlockLayout Detect(OnnxGraph graph, string modelName)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var types = TypeInference.Infer(graph);
        var constant = HiddenPath.ConstantNodes(graph);
        var seeds = HiddenPath.FindEmbeddings(graph, constant);
        var hidden = HiddenPath.Mark(graph, seeds, out var origin);

        // Encoder-decoder: the blocks are the decoder's layers; the encoder's layer names (encoder.layers.N, counting
        // from 0 as well) say nothing about them.
        var named = seeds.Length > 1 ? HiddenPath.Mark(graph, [seeds[0]], out _) : null;
        var (labels, evidence) = NameLabels.Find(graph, constant, hidden, named);
        var sourceIndices = labels.Where(l => l is not null).Select(l => l!.Value).Distinct().Order().ToList();

        // Structure first; names only break ties between equally good structural readings.
        var hint = labels.Select(l => l is { } v ? sourceIndices.IndexOf(v) : (int?)null).ToArray();
        var structure = StructuralBlocks.Find(graph, constant, hidden, seeds, sourceIndices.Count > 0 ? hint : null);
        if (structure is not null)
        {
            var count = structure.Run.Count;
            var names = sourceIndices.Count == 0 ? string.Empty
                : sourceIndices.Count == count ? $"; {evidence} agree"
                : $"; {evidence} suggest {sourceIndices.Count} blocks";
            var described = DescribeBlocks(graph, constant, structure.Stages, Enumerable.Range(0, count).ToList(), hidden);
            return Layout(graph, types, constant, structure.Stages, described,
                $"structure ({count} repeated units of {structure.Run.Period} weight ops{names})", origin, BlockSource.Structure);
        }

        if (sourceIndices.Count == 0)
        {
            throw NothingFound(graph, constant, hidden, seeds[0], modelName, origin);
        }

        var ordinal = sourceIndices.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        var fixedStage = new int?[graph.Nodes.Count];
        for (var n = 0; n < graph.Nodes.Count; n++)
        {
            if (labels[n] is { } l)
            {
                fixedStage[n] = ordinal[l];
            }
        }

        foreach (var seed in seeds.Where(s => s >= 0))
        {
            fixedStage[seed] = BlockLayout.EmbeddingStage;
        }

        var blockCount = sourceIndices.Count;

        // Unlabelled producers of the model's results (logits, pooled output) anchor the head.
        foreach (var output in graph.Outputs.Where(o => !BlockNamePatterns.IsKvName(o)))
        {
            var p = graph.Producer(output);
            if (p >= 0 && hidden[p] && fixedStage[p] is null)
            {
                fixedStage[p] = blockCount;
            }
        }

        var stages = PlaceNodes(graph, hidden, fixedStage, blockCount);
        var blocks = DescribeBlocks(graph, constant, stages, sourceIndices, null);
        return Layout(graph, types, constant, stages, blocks, evidence, origin, BlockSource.Names);
    }

    private static BlockLayout Layout(
        OnnxGraph graph,
        Dictionary<string, TensorType> types,
        bool[] constant,
        int[] stages,
        List<BlockInfo> blocks,
        string evidence,
        string origin,
        BlockSource source)
    {
        var embeddingCost = StageCosts.Of(graph, constant, stages, BlockLayout.EmbeddingStage);
        var headCost = StageCosts.Of(graph, constant, stages, blocks.Count);
        return new BlockLayout(graph, types, stages, blocks, embeddingCost, headCost, evidence, origin, source);
    }

    /// <summary>The error for a graph without repeated structure or block names: what was found, where a cut could go.</summary>
    private static ModelSurgeryException NothingFound(OnnxGraph graph, bool[] constant, bool[] hidden, int embedding, string modelName, string origin)
    {
        const int Shown = 8;
        var hiddenNodes = hidden.Count(h => h);
        var weightOps = WeightOps.Find(graph, constant, hidden, embedding);
        var found = weightOps.Count == 0
            ? "reads no weights"
            : $"reads weights in {weightOps.Count} ops ("
                + string.Join(", ", weightOps.Take(Shown).Select(w => w.Signature)) + (weightOps.Count > Shown ? ", ..." : string.Empty)
                + ") in which no unit repeats";
        var cuts = SingleTensorCuts.Find(graph, hidden, 5);
        var where = cuts.Count == 0
            ? "No single tensor separates the hidden-state path, so a manual cut needs several tensors (--cut A+B)."
            : "Single tensors that separate the graph, usable as --cut: " + string.Join(", ", cuts.Select(c => $"'{c}'")) + ".";
        return new ModelSurgeryException(
            $"No transformer blocks recognised in '{modelName}': the hidden-state path (from {origin}, {hiddenNodes} nodes) "
            + found + ", and there are no node names with a block scope "
            + "('/model/layers.N/', '/transformer/h.N/', 'encoder/layer_._N/'), no weights named like 'h.N.', "
            + "'encoder.layer.N.', 'transformer.layer.N.', 'model.layers.N.', and no KV-cache inputs/outputs "
            + "('past_key_values.N.key', 'past_N', 'present.N.value', 'present_N', 'key_cache.N'). "
            + where + " Give the cut as tensor names instead.");
    }

    /// <summary>
    /// Gives every hidden-path node a stage. Labelled nodes keep theirs; the rest are bounded by their labelled
    /// ancestors (earliest) and descendants (latest), and each boundary is settled by a minimum cut over the nodes that
    /// could go either way, keeping as much as possible before the boundary among the cheapest cuts.
    /// </summary>
    internal static int[] PlaceNodes(OnnxGraph graph, bool[] hidden, int?[] fixedStage, int blockCount)
    {
        var count = graph.Nodes.Count;
        var head = blockCount;
        var earliest = new int[count];
        var latest = new int[count];
        foreach (var n in graph.TopologicalOrder)
        {
            if (!hidden[n])
            {
                continue;
            }

            var lo = fixedStage[n] ?? BlockLayout.EmbeddingStage;
            foreach (var p in HiddenProducers(graph, hidden, n))
            {
                lo = Math.Max(lo, earliest[p]);
            }

            earliest[n] = lo;
        }

        foreach (var n in graph.TopologicalOrder.Reverse())
        {
            if (!hidden[n])
            {
                continue;
            }

            var hi = fixedStage[n] ?? head;
            foreach (var c in HiddenConsumers(graph, hidden, n))
            {
                hi = Math.Min(hi, latest[c]);
            }

            latest[n] = Math.Max(hi, earliest[n]);
        }

        var stages = new int[count];
        Array.Fill(stages, BlockLayout.SideStage);
        var undecided = new bool[count];
        for (var n = 0; n < count; n++)
        {
            if (!hidden[n])
            {
                continue;
            }

            if (earliest[n] == latest[n])
            {
                stages[n] = earliest[n];
            }
            else
            {
                undecided[n] = true;
            }
        }

        for (var boundary = 0; boundary <= blockCount; boundary++)
        {
            var before = boundary - 1;
            var flexible = new List<int>();
            for (var n = 0; n < count; n++)
            {
                if (!undecided[n])
                {
                    continue;
                }

                if (latest[n] <= before)
                {
                    stages[n] = before;
                    undecided[n] = false;
                }
                else if (earliest[n] <= before)
                {
                    flexible.Add(n);
                }
            }

            if (flexible.Count == 0)
            {
                continue;
            }

            foreach (var n in CutBefore(graph, hidden, stages, undecided, flexible, before))
            {
                stages[n] = before;
                undecided[n] = false;
            }
        }

        for (var n = 0; n < count; n++)
        {
            if (undecided[n])
            {
                stages[n] = head;
            }
        }

        return stages;
    }

    /// <summary>The flexible nodes that go before the boundary in the latest minimum cut.</summary>
    private static List<int> CutBefore(OnnxGraph graph, bool[] hidden, int[] stages, bool[] undecided, List<int> flexible, int before)
    {
        var count = graph.Nodes.Count;
        var flexibleSet = flexible.ToHashSet();

        // Vertex layout: nodes 0..count-1, then a tensor pair (in, out) per crossing candidate, then source and sink.
        var tensorIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < count; n++)
        {
            if (!hidden[n])
            {
                continue;
            }

            foreach (var o in graph.Nodes[n].Output)
            {
                if (o.Length > 0 && graph.Consumers(o).Any(c => hidden[c]))
                {
                    tensorIds[o] = tensorIds.Count;
                }
            }
        }

        var source = count + (2 * tensorIds.Count);
        var sink = source + 1;
        var cut = new MinCut(sink + 1);
        for (var n = 0; n < count; n++)
        {
            if (!hidden[n])
            {
                continue;
            }

            var isBefore = !undecided[n] && stages[n] <= before;
            if (isBefore)
            {
                cut.AddEdge(source, n, MinCut.Infinite);
            }
            else if (!flexibleSet.Contains(n))
            {
                cut.AddEdge(n, sink, MinCut.Infinite);
            }

            foreach (var o in graph.Nodes[n].Output)
            {
                if (!tensorIds.TryGetValue(o, out var t))
                {
                    continue;
                }

                var tin = count + (2 * t);
                var tout = tin + 1;
                cut.AddEdge(n, tin, MinCut.Infinite);
                cut.AddEdge(tin, tout, 1);
                foreach (var c in graph.Consumers(o))
                {
                    if (hidden[c])
                    {
                        cut.AddEdge(tout, c, MinCut.Infinite);

                        // A consumer before the boundary forces its producer before it.
                        cut.AddEdge(c, n, MinCut.Infinite);
                    }
                }
            }
        }

        cut.Run(source, sink);
        var sinkSide = cut.SinkSide(sink);
        return flexible.Where(n => !sinkSide[n]).ToList();
    }

    private static IEnumerable<int> HiddenProducers(OnnxGraph graph, bool[] hidden, int n)
    {
        foreach (var input in graph.NodeInputs(n))
        {
            var p = graph.Producer(input);
            if (p >= 0 && hidden[p])
            {
                yield return p;
            }
        }
    }

    private static IEnumerable<int> HiddenConsumers(OnnxGraph graph, bool[] hidden, int n)
    {
        foreach (var o in graph.Nodes[n].Output)
        {
            if (o.Length == 0)
            {
                continue;
            }

            foreach (var c in graph.Consumers(o))
            {
                if (hidden[c])
                {
                    yield return c;
                }
            }
        }
    }

    private static List<BlockInfo> DescribeBlocks(OnnxGraph graph, bool[] constant, int[] stages, List<int> sourceIndices, bool[]? hidden)
    {
        var blocks = new List<BlockInfo>(sourceIndices.Count);
        for (var b = 0; b < sourceIndices.Count; b++)
        {
            var nodes = Enumerable.Range(0, stages.Length).Where(n => stages[n] == b).ToList();
            List<string> kvIn;
            List<string> kvOut;
            if (hidden is null)
            {
                kvIn = graph.Inputs.Where(i => BlockNamePatterns.KvIndex(i) == sourceIndices[b]).ToList();
                kvOut = graph.Outputs.Where(o => BlockNamePatterns.KvIndex(o) == sourceIndices[b]).ToList();
            }
            else
            {
                // By structure: inputs only this block's hidden-path nodes read, outputs this block's nodes produce.
                var block = b;
                kvIn = graph.Inputs.Where(i =>
                {
                    var readers = graph.Consumers(i).Where(c => hidden[c]).ToList();
                    return readers.Count > 0 && readers.All(c => stages[c] == block);
                }).ToList();
                kvOut = graph.Outputs.Where(o => graph.Producer(o) is var p && p >= 0 && stages[p] == block).ToList();
            }

            blocks.Add(new BlockInfo(b, sourceIndices[b], nodes.Count, StageCosts.Of(graph, constant, stages, b), kvIn, kvOut));
        }

        return blocks;
    }
}
