using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Blocks;

/// <summary>
/// Splits the nodes of a transformer graph into the hidden-state path (everything downstream of the embedding lookup)
/// and the side computations that depend only on graph inputs and constants, which any segment can recompute.
/// </summary>
internal static class HiddenPath
{
    private static readonly HashSet<string> EmbeddingOps = ["Gather", "GatherBlockQuantized", "EmbedLayerNormalization"];

    /// <summary>Nodes whose inputs are all initializers or outputs of such nodes (Constant, Transpose of a weight, ...).</summary>
    public static bool[] ConstantNodes(OnnxGraph graph)
    {
        var constant = new bool[graph.Nodes.Count];
        foreach (var n in graph.TopologicalOrder)
        {
            var all = true;
            foreach (var input in graph.NodeInputs(n))
            {
                if (graph.IsInitializer(input))
                {
                    continue;
                }

                var p = graph.Producer(input);
                if (p < 0 || !constant[p])
                {
                    all = false;
                    break;
                }
            }

            // Random* ops have no inputs but are not constants.
            constant[n] = all && !graph.Nodes[n].OpType.StartsWith("Random", StringComparison.Ordinal);
        }

        return constant;
    }

    /// <summary>Initializers a tensor is computed from through constant nodes (the tensor itself when it is one).</summary>
    public static IEnumerable<TensorProto> UnderlyingInitializers(OnnxGraph graph, bool[] constant, string tensor, int depth = 0)
    {
        if (graph.Initializers.TryGetValue(tensor, out var init))
        {
            yield return init;
            yield break;
        }

        var p = graph.Producer(tensor);
        if (p < 0 || !constant[p] || depth > 6)
        {
            yield break;
        }

        foreach (var input in graph.NodeInputs(p))
        {
            foreach (var t in UnderlyingInitializers(graph, constant, input, depth + 1))
            {
                yield return t;
            }
        }
    }

    /// <summary>
    /// The node that looks up token embeddings: a Gather-like node reading a constant table with indices computed
    /// from graph inputs; the largest table wins (word embeddings over position/type embeddings). -1 when none.
    /// </summary>
    public static int FindEmbedding(OnnxGraph graph, bool[] constant) => FindEmbeddings(graph, constant)[0];

    /// <summary>
    /// The token-embedding lookups, the one that starts the hidden-state path first (-1 when none). Two lookups of
    /// token ids whose paths each reach weights the other's does not are an encoder-decoder's (one table shared, as T5
    /// and BART have it, or one each, of any sizes): the decoder's comes first, the one with the fewest descendants
    /// (the encoder's descendants include the decoder's layers through cross-attention, the decoder's do not include
    /// the encoder). A token-type or position lookup adds into the same path and reaches no weight of its own.
    /// </summary>
    public static int[] FindEmbeddings(OnnxGraph graph, bool[] constant)
    {
        var candidates = new List<(int Node, bool Direct, long Bytes)>();
        for (var n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            if (!EmbeddingOps.Contains(node.OpType) || constant[n] || node.Input.Count < 2)
            {
                continue;
            }

            // Gather(data, indices) vs. EmbedLayerNormalization(input_ids, segment_ids, word_embedding, ...).
            var (table, indices) = node.OpType == "EmbedLayerNormalization"
                ? (node.Input.Count > 2 ? node.Input[2] : string.Empty, node.Input[0])
                : (node.Input[0], node.Input[1]);
            var tables = UnderlyingInitializers(graph, constant, table).ToList();
            if (tables.Count == 0 || IsConstant(graph, constant, indices))
            {
                continue;
            }

            var weight = tables.MaxBy(TensorStorage.ByteLength)!;
            if (weight.Dims.Count != 2 && node.OpType == "Gather")
            {
                continue;
            }

            // Token ids come straight from a graph input (maybe through a cast or reshape); position indices computed
            // from shapes do not, so a large position table does not beat a small vocabulary.
            candidates.Add((n, ReadsGraphInputDirectly(graph, indices), TensorStorage.ByteLength(weight)));
        }

        if (candidates.Count == 0)
        {
            return [-1];
        }

        var best = candidates.OrderByDescending(c => c.Direct).ThenByDescending(c => c.Bytes).ThenBy(c => c.Node).First();
        if (!best.Direct)
        {
            return [best.Node];
        }

        var bestPath = Mark(graph, [best.Node], out _);
        var lookups = new List<(int Node, int Size)> { (best.Node, bestPath.Count(h => h)) };
        foreach (var c in candidates.Where(c => c.Direct && c.Node != best.Node))
        {
            var path = Mark(graph, [c.Node], out _);
            if (ReadsOwnWeights(graph, constant, path, bestPath, c.Node) && ReadsOwnWeights(graph, constant, bestPath, path, best.Node))
            {
                lookups.Add((c.Node, path.Count(h => h)));
            }
        }

        return [.. lookups.OrderBy(l => l.Size).ThenBy(l => l.Node).Select(l => l.Node)];
    }

    /// <summary>Whether <paramref name="path"/> has a weight-reading node (other than its lookup) that <paramref name="other"/> lacks.</summary>
    private static bool ReadsOwnWeights(OnnxGraph graph, bool[] constant, bool[] path, bool[] other, int lookup)
    {
        for (var n = 0; n < path.Length; n++)
        {
            if (path[n] && !other[n] && n != lookup && graph.NodeInputs(n).Any(i =>
                UnderlyingInitializers(graph, constant, i).Any(t => TensorStorage.ElementCount(t) >= Structure.WeightOps.MinElements)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Marks the hidden-state path: descendants of <paramref name="seed"/>, or of float graph inputs when there is no seed.</summary>
    public static bool[] Mark(OnnxGraph graph, int seed, out string origin) => Mark(graph, [seed], out origin);

    /// <summary>
    /// Marks the hidden-state path: descendants of the <paramref name="seeds"/> (embedding lookups, see
    /// <see cref="FindEmbeddings"/>), or of float graph inputs when there is none (a single -1).
    /// </summary>
    public static bool[] Mark(OnnxGraph graph, IReadOnlyList<int> seeds, out string origin)
    {
        var hidden = new bool[graph.Nodes.Count];
        var frontier = new Queue<string>();
        if (seeds[0] >= 0)
        {
            foreach (var seed in seeds)
            {
                hidden[seed] = true;
                foreach (var o in graph.Nodes[seed].Output)
                {
                    frontier.Enqueue(o);
                }
            }

            origin = seeds.Count == 1 ? $"embedding lookup '{graph.NodeLabel(seeds[0])}'"
                : $"embedding lookups '{graph.NodeLabel(seeds[0])}' (decoder) and " + string.Join(", ", seeds.Skip(1).Select(s => $"'{graph.NodeLabel(s)}'"));
        }
        else
        {
            var floats = graph.Inputs
                .Where(i => !BlockNamePatterns.IsKvName(i) && IsFloat(graph.InputInfo[i]))
                .ToList();
            foreach (var i in floats)
            {
                frontier.Enqueue(i);
            }

            origin = floats.Count > 0 ? "float graph inputs " + string.Join(", ", floats) : "nothing";
        }

        while (frontier.Count > 0)
        {
            var t = frontier.Dequeue();
            if (t.Length == 0)
            {
                continue;
            }

            foreach (var c in graph.Consumers(t))
            {
                if (!hidden[c])
                {
                    hidden[c] = true;
                    foreach (var o in graph.Nodes[c].Output)
                    {
                        frontier.Enqueue(o);
                    }
                }
            }
        }

        return hidden;
    }

    private static bool ReadsGraphInputDirectly(OnnxGraph graph, string tensor)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            if (graph.InputInfo.ContainsKey(tensor))
            {
                return true;
            }

            var p = graph.Producer(tensor);
            if (p < 0 || graph.Nodes[p].OpType is not ("Cast" or "Reshape" or "Unsqueeze" or "Squeeze" or "Flatten" or "Identity"))
            {
                return false;
            }

            tensor = graph.Nodes[p].Input[0];
        }

        return false;
    }

    private static bool IsConstant(OnnxGraph graph, bool[] constant, string tensor)
    {
        if (graph.IsInitializer(tensor))
        {
            return true;
        }

        var p = graph.Producer(tensor);
        return p >= 0 && constant[p];
    }

    private static bool IsFloat(ValueInfoProto info)
    {
        var t = (TensorProto.Types.DataType)(info.Type?.TensorType?.ElemType ?? 0);
        return t is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Float16
            or TensorProto.Types.DataType.Bfloat16 or TensorProto.Types.DataType.Double;
    }
}
