using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Blocks;

/// <summary>
/// Block indices that names give hidden-path nodes: block scopes in node names, KV-cache input/output names, block
/// indices in weight names. Inconsistent and outlier labels are dropped. A hint for structural detection, and the
/// fallback when a graph has no repeated unit.
/// </summary>
internal static class NameLabels
{
    /// <summary>Elements an initializer needs before its name counts as evidence (small constants get shared across layers).</summary>
    private const long MinLabelledWeightElements = 64;

    /// <summary>
    /// Source block index per node (null where names say nothing) and which conventions were seen; only nodes in
    /// <paramref name="scope"/> (all when null) are labelled.
    /// </summary>
    public static (int?[] Labels, string Evidence) Find(OnnxGraph graph, bool[] constant, bool[] hidden, bool[]? scope = null)
    {
        var (labels, evidence) = Label(graph, constant, hidden);
        if (scope is not null)
        {
            for (var n = 0; n < labels.Length; n++)
            {
                labels[n] = scope[n] ? labels[n] : null;
            }
        }

        DropInconsistentLabels(graph, hidden, labels);
        DropOutlierLabels(graph, hidden, labels);
        return (labels, evidence);
    }

    private static (int?[] Labels, string Evidence) Label(OnnxGraph graph, bool[] constant, bool[] hidden)
    {
        var labels = new int?[graph.Nodes.Count];
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        var outputs = graph.Outputs.ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Inputs.ToHashSet(StringComparer.Ordinal);
        for (var n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            if (BlockNamePatterns.BlockIndex(node.Name) is { } byName)
            {
                labels[n] = byName;
                sources.Add("node names");
                continue;
            }

            var kv = node.Input.Where(inputs.Contains).Concat(node.Output.Where(outputs.Contains))
                .Select(BlockNamePatterns.KvIndex).Where(i => i is not null).Distinct().ToList();
            if (kv.Count == 1)
            {
                labels[n] = kv[0];
                sources.Add("KV-cache names");
                continue;
            }

            var byWeight = graph.NodeInputs(n)
                .SelectMany(i => HiddenPath.UnderlyingInitializers(graph, constant, i))
                .Where(t => TensorStorage.ElementCount(t) >= MinLabelledWeightElements)
                .Select(t => BlockNamePatterns.BlockIndex(t.Name))
                .Where(i => i is not null)
                .Distinct()
                .ToList();
            if (byWeight.Count == 1)
            {
                labels[n] = byWeight[0];
                sources.Add("weight names");
            }
        }

        // Labels only matter on the hidden-state path.
        for (var n = 0; n < labels.Length; n++)
        {
            if (!hidden[n])
            {
                labels[n] = null;
            }
        }

        return (labels, string.Join(", ", sources));
    }

    /// <summary>A label lower than a label upstream of it comes from a weight shared with an earlier block: drop it.</summary>
    private static void DropInconsistentLabels(OnnxGraph graph, bool[] hidden, int?[] labels)
    {
        var upstream = new int[graph.Nodes.Count];
        foreach (var n in graph.TopologicalOrder)
        {
            if (!hidden[n])
            {
                continue;
            }

            var max = int.MinValue;
            foreach (var input in graph.NodeInputs(n))
            {
                var p = graph.Producer(input);
                if (p >= 0 && hidden[p])
                {
                    max = Math.Max(max, Math.Max(upstream[p], labels[p] ?? int.MinValue));
                }
            }

            upstream[n] = max;
            if (labels[n] is { } l && l < max)
            {
                labels[n] = null;
            }
        }
    }

    /// <summary>
    /// An index carried by far fewer nodes than the others is not a block (the genai builder names the final norm
    /// '/model/layers.{N}/final_norm_layernorm'); its nodes are placed by structure instead.
    /// </summary>
    private static void DropOutlierLabels(OnnxGraph graph, bool[] hidden, int?[] labels)
    {
        var counts = labels.Where(l => l is not null).GroupBy(l => l!.Value).ToDictionary(g => g.Key, g => g.Count());
        if (counts.Count < 2)
        {
            return;
        }

        var sorted = counts.Values.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var outliers = counts.Where(kv => kv.Value * 4 < median).Select(kv => kv.Key).ToHashSet();
        for (var n = 0; n < labels.Length; n++)
        {
            if (labels[n] is { } l && outliers.Contains(l))
            {
                labels[n] = null;
            }
        }

        _ = graph;
        _ = hidden;
    }
}
