using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Verify;

/// <summary>
/// What the graph says about its inputs, for generating test inputs: which integer inputs index an embedding table (and
/// how many rows it has), and which inputs are KV cache.
/// </summary>
/// <param name="IndexRanges">Graph input to the row count of the smallest constant table it indexes (token ids, token types).</param>
/// <param name="CacheInputs">KV-cache inputs: from the detected blocks, and by name where blocks are not found.</param>
public sealed record InputRoles(IReadOnlyDictionary<string, long> IndexRanges, IReadOnlySet<string> CacheInputs)
{
    private static readonly HashSet<string> PassThrough = ["Cast", "Reshape", "Unsqueeze", "Squeeze", "Flatten", "Identity"];

    /// <summary>The roles of <paramref name="model"/>'s inputs.</summary>
    public static InputRoles Find(ModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new OnnxGraph(model.Graph);
        BlockLayout? layout;
        try
        {
            layout = BlockDetector.Detect(graph, Path.GetFileName(model.FilePath) ?? model.Graph.Name);
        }
        catch (ModelSurgeryException)
        {
            layout = null;
        }

        return Find(graph, layout);
    }

    /// <summary>The roles of an indexed graph's inputs; <paramref name="layout"/> (may be null) gives the KV cache.</summary>
    public static InputRoles Find(OnnxGraph graph, BlockLayout? layout)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var constant = HiddenPath.ConstantNodes(graph);
        var ranges = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var n = 0; n < graph.Nodes.Count; n++)
        {
            var node = graph.Nodes[n];
            if (constant[n])
            {
                continue;
            }

            // Gather(data, indices) / GatherBlockQuantized; EmbedLayerNormalization(input_ids, segment_ids, word, position, segment).
            (int Indices, int Table)[] pairs = node.OpType switch
            {
                "Gather" or "GatherBlockQuantized" when Axis(node) == 0 => [(1, 0)],
                "EmbedLayerNormalization" => [(0, 2), (1, 4)],
                _ => [],
            };
            foreach (var (indices, table) in pairs)
            {
                if (node.Input.Count <= Math.Max(indices, table) || node.Input[indices].Length == 0)
                {
                    continue;
                }

                var rows = HiddenPath.UnderlyingInitializers(graph, constant, node.Input[table])
                    .Where(t => t.Dims.Count == 2)
                    .Select(t => t.Dims[0])
                    .DefaultIfEmpty(0)
                    .Max();
                if (rows > 0 && GraphInputBehind(graph, node.Input[indices]) is { } input)
                {
                    ranges[input] = ranges.TryGetValue(input, out var known) ? Math.Min(known, rows) : rows;
                }
            }
        }

        var cache = new HashSet<string>(StringComparer.Ordinal);
        if (layout is not null)
        {
            cache.UnionWith(layout.Blocks.SelectMany(b => b.KvInputs));
        }

        cache.UnionWith(graph.Inputs.Where(BlockNamePatterns.IsKvName));
        return new InputRoles(ranges, cache);
    }

    private static long Axis(Protos.NodeProto node) =>
        node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0;

    private static string? GraphInputBehind(OnnxGraph graph, string tensor)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            if (graph.InputInfo.ContainsKey(tensor))
            {
                return tensor;
            }

            var p = graph.Producer(tensor);
            if (p < 0 || !PassThrough.Contains(graph.Nodes[p].OpType) || graph.Nodes[p].Input.Count == 0)
            {
                return null;
            }

            tensor = graph.Nodes[p].Input[0];
        }

        return null;
    }
}
