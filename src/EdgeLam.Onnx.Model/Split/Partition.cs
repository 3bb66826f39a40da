using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Split;

/// <summary>Which segment owns each hidden-path node; side nodes (-1) are recomputed wherever needed.</summary>
internal sealed class Partition
{
    public Partition(int segmentCount, int[] nodeSegment, IReadOnlyList<(int First, int End)> blockRanges)
    {
        SegmentCount = segmentCount;
        NodeSegment = nodeSegment;
        BlockRanges = blockRanges;
    }

    public int SegmentCount { get; }

    /// <summary>Segment per node index, -1 for side nodes.</summary>
    public int[] NodeSegment { get; }

    /// <summary>Block range [First, End) per segment; (-1, -1) for manual cuts.</summary>
    public IReadOnlyList<(int First, int End)> BlockRanges { get; }

    /// <summary>Partition at block boundaries of a detected layout.</summary>
    public static Partition FromBoundaries(BlockLayout layout, IReadOnlyList<int> boundaries)
    {
        var n = layout.BlockCount;
        var sorted = boundaries.Distinct().Order().ToList();
        if (sorted.Count != boundaries.Count)
        {
            throw new ModelSurgeryException($"Block boundaries {string.Join(",", boundaries)} repeat a boundary.");
        }

        foreach (var b in sorted)
        {
            if (b < 0 || b > n)
            {
                throw new ModelSurgeryException(
                    $"Block boundary {b} does not exist: the model has {n} blocks, so boundaries run from 0 (embedding) to {n} (before the head).");
            }

            if (b == 0 && !layout.HasEmbeddingStage)
            {
                throw new ModelSurgeryException(
                    "Block boundary 0 (the embedding boundary) is empty: the model takes the hidden state as input and has no embedding lookup.");
            }

            if (b == n && !layout.HasHeadStage)
            {
                throw new ModelSurgeryException(
                    $"Block boundary {n} is empty: nothing runs after the last block, so that segment would have no nodes.");
            }
        }

        var segments = new int[layout.Stages.Count];
        for (var i = 0; i < segments.Length; i++)
        {
            var stage = layout.Stages[i];
            segments[i] = stage == BlockLayout.SideStage ? -1 : sorted.Count(b => stage >= b);
        }

        var ranges = new List<(int, int)>();
        var edges = sorted.Prepend(0).Append(n).ToList();
        for (var s = 0; s <= sorted.Count; s++)
        {
            ranges.Add((edges[s], edges[s + 1]));
        }

        return new Partition(sorted.Count + 1, segments, ranges);
    }

    /// <summary>
    /// Chooses boundaries so that the heaviest segment is as light as possible (cost = FLOPs per token, weight bytes
    /// when the model has no matrix products with constant weights).
    /// </summary>
    public static IReadOnlyList<int> BalancedBoundaries(BlockLayout layout, int segments)
    {
        // Stages in order: embedding, blocks, head. Boundaries fall between stages (boundary b before block b).
        var n = layout.BlockCount;
        var useFlops = layout.Blocks.Any(b => b.Cost.FlopsPerToken > 0);
        long Cost(int stage)
        {
            var c = layout.CostOf(stage);
            return useFlops ? c.FlopsPerToken : c.WeightBytes;
        }

        var candidates = Enumerable.Range(0, n + 1)
            .Where(b => (b != 0 || layout.HasEmbeddingStage) && (b != n || layout.HasHeadStage))
            .ToList();
        if (segments - 1 > candidates.Count)
        {
            throw new ModelSurgeryException(
                $"{segments} segments need {segments - 1} boundaries, but the model has only {candidates.Count} usable block boundaries.");
        }

        // Prefix cost over stages -1..n; cost of the piece between boundaries a < b covers stages a..b-1,
        // with the embedding added to the first piece and the head to the last.
        long Piece(int from, int to)
        {
            long sum = 0;
            for (var s = from; s < to; s++)
            {
                sum += Cost(s);
            }

            return sum;
        }

        var points = new List<int> { -1 };
        points.AddRange(candidates);
        points.Add(n + 1);
        var m = points.Count;
        var best = new long[segments + 1, m];
        var choice = new int[segments + 1, m];
        for (var k = 0; k <= segments; k++)
        {
            for (var j = 0; j < m; j++)
            {
                best[k, j] = long.MaxValue;
            }
        }

        best[0, 0] = 0;
        for (var k = 1; k <= segments; k++)
        {
            for (var j = 1; j < m; j++)
            {
                for (var i = 0; i < j; i++)
                {
                    if (best[k - 1, i] == long.MaxValue)
                    {
                        continue;
                    }

                    var value = Math.Max(best[k - 1, i], Piece(points[i], points[j]));
                    if (value < best[k, j])
                    {
                        best[k, j] = value;
                        choice[k, j] = i;
                    }
                }
            }
        }

        var result = new List<int>();
        var at = m - 1;
        for (var k = segments; k > 1; k--)
        {
            at = choice[k, at];
            result.Add(points[at]);
        }

        result.Reverse();
        return result;
    }

    /// <summary>Partition at manual cuts: each cut is the full set of tensors crossing it.</summary>
    public static Partition FromTensorCuts(OnnxGraph graph, bool[] hidden, IReadOnlyList<IReadOnlyList<string>> cuts)
    {
        var count = graph.Nodes.Count;
        var befores = new List<bool[]>();
        foreach (var cut in cuts)
        {
            var label = "{" + string.Join(", ", cut) + "}";
            foreach (var t in cut)
            {
                if (!graph.Exists(t))
                {
                    throw new ModelSurgeryException($"Cut tensor '{t}' does not exist in the model.");
                }

                var p = graph.Producer(t);
                if (p < 0)
                {
                    throw new ModelSurgeryException(
                        $"Cut tensor '{t}' is a graph input or initializer, not a tensor computed on the hidden-state path.");
                }

                if (!hidden[p])
                {
                    throw new ModelSurgeryException(
                        $"Cut tensor '{t}' depends only on graph inputs and constants (it is recomputed where needed); cut at hidden-state tensors.");
                }
            }

            var before = new bool[count];
            var stack = new Stack<int>(cut.Select(graph.Producer));
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (before[n])
                {
                    continue;
                }

                before[n] = true;
                foreach (var input in graph.NodeInputs(n))
                {
                    var p = graph.Producer(input);
                    if (p >= 0 && hidden[p] && !before[p])
                    {
                        stack.Push(p);
                    }
                }
            }

            var cutSet = cut.ToHashSet(StringComparer.Ordinal);
            var anyAfter = false;
            var leaks = new List<string>();
            for (var n = 0; n < count; n++)
            {
                if (!hidden[n] || before[n])
                {
                    continue;
                }

                anyAfter = true;
                foreach (var input in graph.NodeInputs(n))
                {
                    var p = graph.Producer(input);
                    if (p >= 0 && hidden[p] && before[p] && !cutSet.Contains(input) && leaks.Count < 8)
                    {
                        leaks.Add($"'{input}' (from '{graph.NodeLabel(p)}', read by '{graph.NodeLabel(n)}')");
                    }
                }
            }

            if (leaks.Count > 0)
            {
                throw new ModelSurgeryException(
                    $"Cut {label} does not separate the graph: these tensors also cross it: {string.Join("; ", leaks.Distinct())}. "
                    + "Add them to the cut or cut elsewhere.");
            }

            if (!anyAfter)
            {
                throw new ModelSurgeryException($"Cut {label} leaves nothing after it.");
            }

            foreach (var t in cut)
            {
                var readAfter = graph.Consumers(t).Any(c => hidden[c] && !before[c]);
                if (!readAfter)
                {
                    throw new ModelSurgeryException($"Cut tensor '{t}' is not read after cut {label}.");
                }
            }

            if (befores.Count > 0)
            {
                var previous = befores[^1];
                if (Enumerable.Range(0, count).Any(n => previous[n] && !before[n]))
                {
                    throw new ModelSurgeryException($"Cut {label} lies before the cut preceding it; give cuts in graph order.");
                }
            }

            befores.Add(before);
        }

        var segments = new int[count];
        for (var n = 0; n < count; n++)
        {
            segments[n] = hidden[n] ? befores.Count(b => !b[n]) : -1;
        }

        return new Partition(cuts.Count + 1, segments, Enumerable.Repeat((-1, -1), cuts.Count + 1).ToList());
    }
}
