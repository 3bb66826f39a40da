using EdgeLam.Onnx.Model.Graph;

namespace EdgeLam.Onnx.Model.Blocks.Structure;

/// <summary>
/// Hidden-path tensors that alone separate the graph: everything computed before them reaches the rest only through
/// them. Where no blocks are recognised these are the places a manual cut can go.
/// </summary>
internal static class SingleTensorCuts
{
    /// <summary>Graphs larger than this are not searched (the search is quadratic).</summary>
    private const int MaxNodes = 5000;

    /// <summary>Up to <paramref name="limit"/> such tensors, in graph order, spread along the path.</summary>
    public static List<string> Find(OnnxGraph graph, bool[] hidden, int limit)
    {
        var found = new List<string>();
        if (graph.Nodes.Count > MaxNodes)
        {
            return found;
        }

        var order = graph.TopologicalOrder.Where(n => hidden[n]).ToList();
        var position = new int[graph.Nodes.Count];
        for (var i = 0; i < order.Count; i++)
        {
            position[order[i]] = i;
        }

        // In topological order, a tensor separates the graph when every hidden tensor produced at or before its
        // producer is read (by hidden nodes) no later than its producer, except the tensor itself.
        var lastRead = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in order)
        {
            foreach (var o in graph.Nodes[n].Output)
            {
                if (o.Length > 0)
                {
                    var readers = graph.Consumers(o).Where(c => hidden[c]).Select(c => position[c]).DefaultIfEmpty(-1).Max();
                    lastRead[o] = readers;
                }
            }
        }

        var reach = -1;
        for (var i = 0; i < order.Count - 1; i++)
        {
            var outputs = graph.Nodes[order[i]].Output.Where(o => o.Length > 0 && lastRead[o] > i).ToList();
            if (outputs.Count == 1 && reach <= i)
            {
                found.Add(outputs[0]);
            }

            foreach (var o in graph.Nodes[order[i]].Output.Where(o => o.Length > 0))
            {
                reach = Math.Max(reach, lastRead[o]);
            }

        }

        if (found.Count <= limit)
        {
            return found;
        }

        return Enumerable.Range(0, limit).Select(k => found[k * (found.Count - 1) / Math.Max(1, limit - 1)]).Distinct().ToList();
    }
}
