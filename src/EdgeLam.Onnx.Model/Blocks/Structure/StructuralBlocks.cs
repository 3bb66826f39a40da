using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Blocks.Structure;

/// <summary>Blocks found from the graph's structure: a stage per node and how the repeated unit looked.</summary>
/// <param name="Stages">Stage per node, as <see cref="BlockLayout.Stages"/>.</param>
/// <param name="Run">The repeated unit in the weight-op sequence.</param>
/// <param name="Anchors">The weight ops, in topological order (the run indexes this list).</param>
/// <param name="MeanCrossing">Mean number of hidden-path tensors crossing a boundary between two blocks.</param>
internal sealed record StructuralResult(int[] Stages, UnitRun Run, IReadOnlyList<WeightOp> Anchors, double MeanCrossing);

/// <summary>
/// Structural block detection, needing no names. Along the hidden-state path (embedding to head) the weight-reading
/// ops form a sequence in which the transformer blocks are the longest run of a repeated unit (equal ops, equal
/// weight shapes). Each unit's ops are pinned to their block, every other hidden-path node is placed by minimum cuts,
/// so that a block boundary is crossed by as few tensors as possible: the residual stream (one tensor, or the pair a
/// fused skip-norm carries), while KV-cache inputs and outputs stay inside their block and side computations are
/// recomputed. When several alignments or periods cover the sequence equally, the one whose boundaries are crossed by
/// the fewest tensors and whose blocks hold the most alike operators wins; a block count from names breaks ties.
/// </summary>
internal static class StructuralBlocks
{
    /// <summary>Candidates examined at most (periods × alignments reaching the best coverage).</summary>
    private const int MaxCandidates = 24;

    /// <summary>
    /// Finds the blocks, or null when no unit repeats at least twice. <paramref name="nameHint"/> (block ordinal per
    /// node from names, null where names say nothing) breaks ties, and where it agrees with the structure (same block
    /// count, every labelled weight op in its structural block) it also places the nodes the structure leaves open
    /// (a norm between two blocks goes to the block its name gives).
    /// </summary>
    /// <remarks>
    /// <paramref name="embeddings"/> are the embedding lookups (<see cref="HiddenPath.FindEmbeddings"/>), all pinned
    /// before block 0. Only the first one's path is searched for the repeated unit: in an encoder-decoder that is the
    /// decoder, whose layers become the blocks, while the encoder runs before block 0 and its output crosses the cuts.
    /// </remarks>
    public static StructuralResult? Find(OnnxGraph graph, bool[] constant, bool[] hidden, IReadOnlyList<int> embeddings, int?[]? nameHint)
    {
        var hintCount = nameHint?.Where(l => l is not null).Distinct().Count() ?? 0;
        var found = Find(graph, constant, hidden, embeddings, hintCount > 0 ? hintCount : null);
        if (found is null || nameHint is null || hintCount != found.Run.Count)
        {
            return found;
        }

        for (var k = 0; k < found.Run.Coverage; k++)
        {
            var anchor = found.Anchors[found.Run.Start + k].Node;
            if (nameHint[anchor] is { } label && label != k / found.Run.Period)
            {
                return found;
            }
        }

        var stages = Place(graph, hidden, embeddings, found.Anchors, found.Run, nameHint);
        return found with { Stages = stages, MeanCrossing = MeanCrossing(graph, hidden, stages, found.Run.Count) };
    }

    private static StructuralResult? Find(OnnxGraph graph, bool[] constant, bool[] hidden, IReadOnlyList<int> embeddings, int? blockCountHint)
    {
        var mainPath = embeddings.Count > 1 ? HiddenPath.Mark(graph, [embeddings[0]], out _) : hidden;
        var anchors = WeightOps.Find(graph, constant, mainPath, embeddings[0]);
        var runs = RepeatedUnits.Longest(anchors.Select(a => a.Signature).ToList())
            .OrderBy(r => r.Period)
            .ThenBy(r => r.Start)
            .Take(MaxCandidates)
            .ToList();
        StructuralResult? best = null;
        (double Score, int HintMiss, int Period, int Start) bestKey = default;
        foreach (var run in runs)
        {
            var stages = Place(graph, hidden, embeddings, anchors, run, null);
            var crossing = MeanCrossing(graph, hidden, stages, run.Count);
            var difference = MeanOperatorDifference(graph, stages, run.Count);
            var key = (Math.Round(crossing + (2 * difference), 6), blockCountHint is { } h && h != run.Count ? 1 : 0, run.Period, run.Start);
            if (best is null || key.CompareTo(bestKey) < 0)
            {
                best = new StructuralResult(stages, run, anchors, crossing);
                bestKey = key;
            }
        }

        return best;
    }

    private static int[] Place(OnnxGraph graph, bool[] hidden, IReadOnlyList<int> embeddings, IReadOnlyList<WeightOp> anchors, UnitRun run, int?[]? hint)
    {
        var fixedStage = hint is null ? new int?[graph.Nodes.Count] : (int?[])hint.Clone();
        for (var k = 0; k < run.Coverage; k++)
        {
            fixedStage[anchors[run.Start + k].Node] = k / run.Period;
        }

        foreach (var embedding in embeddings.Where(e => e >= 0))
        {
            fixedStage[embedding] = BlockLayout.EmbeddingStage;
        }

        // The model's results (logits, pooled output) come after the last block's final weight op; anything the
        // last block computes for the outputs before that (its KV cache) stays free.
        var last = anchors[run.End - 1].Node;
        var afterLast = Descendants(graph, last);
        foreach (var output in graph.Outputs)
        {
            var p = graph.Producer(output);
            if (p >= 0 && hidden[p] && fixedStage[p] is null && afterLast[p])
            {
                fixedStage[p] = run.Count;
            }
        }

        return BlockDetector.PlaceNodes(graph, hidden, fixedStage, run.Count);
    }

    private static bool[] Descendants(OnnxGraph graph, int node)
    {
        var reach = new bool[graph.Nodes.Count];
        var work = new Stack<int>();
        work.Push(node);
        while (work.Count > 0)
        {
            var n = work.Pop();
            foreach (var o in graph.Nodes[n].Output)
            {
                if (o.Length == 0)
                {
                    continue;
                }

                foreach (var c in graph.Consumers(o))
                {
                    if (!reach[c])
                    {
                        reach[c] = true;
                        work.Push(c);
                    }
                }
            }
        }

        return reach;
    }

    /// <summary>Mean over the boundaries between blocks of the hidden-path tensors crossing each.</summary>
    internal static double MeanCrossing(OnnxGraph graph, bool[] hidden, int[] stages, int blocks)
    {
        if (blocks < 2)
        {
            return 0;
        }

        var total = 0;
        for (var n = 0; n < stages.Length; n++)
        {
            if (!hidden[n])
            {
                continue;
            }

            foreach (var o in graph.Nodes[n].Output)
            {
                if (o.Length == 0)
                {
                    continue;
                }

                var latest = stages[n];
                foreach (var c in graph.Consumers(o))
                {
                    if (hidden[c])
                    {
                        latest = Math.Max(latest, stages[c]);
                    }
                }

                // Boundaries b with stage < b <= latest, counting only those between two blocks (1 .. blocks-1).
                var from = Math.Max(stages[n] + 1, 1);
                var to = Math.Min(latest, blocks - 1);
                total += Math.Max(0, to - from + 1);
            }
        }

        return total / (double)(blocks - 1);
    }

    /// <summary>Mean relative difference of the operator multisets of neighbouring blocks (0 when all blocks hold the same ops).</summary>
    private static double MeanOperatorDifference(OnnxGraph graph, int[] stages, int blocks)
    {
        if (blocks < 2)
        {
            return 0;
        }

        var counts = new Dictionary<string, int>[blocks];
        for (var b = 0; b < blocks; b++)
        {
            counts[b] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        for (var n = 0; n < stages.Length; n++)
        {
            if (stages[n] >= 0 && stages[n] < blocks)
            {
                var op = graph.Nodes[n].OpType;
                counts[stages[n]][op] = counts[stages[n]].GetValueOrDefault(op) + 1;
            }
        }

        var sum = 0.0;
        for (var b = 0; b + 1 < blocks; b++)
        {
            var a = counts[b];
            var c = counts[b + 1];
            var size = a.Values.Sum() + c.Values.Sum();
            var diff = a.Keys.Union(c.Keys).Sum(k => Math.Abs(a.GetValueOrDefault(k) - c.GetValueOrDefault(k)));
            sum += size == 0 ? 0 : diff / (double)size;
        }

        return sum / (blocks - 1);
    }
}
