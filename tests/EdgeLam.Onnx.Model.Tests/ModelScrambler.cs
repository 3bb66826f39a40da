using System.Globalization;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// Replaces every node, tensor and initializer name of a model by a random one: the main graph, every subgraph and
/// every local function body (whose names are a scope of their own). Graph input and output names are kept when the
/// reference cases need them; function and op names are not names of the graph's values and stay.
/// </summary>
internal static class ModelScrambler
{
    /// <returns>The main graph's old name to new name.</returns>
    public static IReadOnlyDictionary<string, string> Write(ModelFile source, string path, int seed, bool keepGraphInputsAndOutputs)
    {
        var proto = source.Proto.Clone();
        var random = new Random(seed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        string Fresh()
        {
            while (true)
            {
                var name = "v" + random.NextInt64(0, 1L << 40).ToString("x", CultureInfo.InvariantCulture);
                if (used.Add(name))
                {
                    return name;
                }
            }
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keepGraphInputsAndOutputs)
        {
            foreach (var name in proto.Graph.Input.Select(i => i.Name).Concat(proto.Graph.Output.Select(o => o.Name)))
            {
                map[name] = name;
            }
        }

        string Rename(Dictionary<string, string> names, string name)
        {
            if (name.Length == 0)
            {
                return name;
            }

            if (!names.TryGetValue(name, out var renamed))
            {
                renamed = Fresh();
                names[name] = renamed;
            }

            return renamed;
        }

        Graph(proto.Graph, map, Rename, Fresh);
        foreach (var function in proto.Functions)
        {
            var scope = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < function.Input.Count; i++)
            {
                function.Input[i] = Rename(scope, function.Input[i]);
            }

            for (var i = 0; i < function.Output.Count; i++)
            {
                function.Output[i] = Rename(scope, function.Output[i]);
            }

            foreach (var node in function.Node)
            {
                Node(node, scope, Rename, Fresh);
            }

            foreach (var info in function.ValueInfo)
            {
                info.Name = Rename(scope, info.Name);
            }
        }

        ModelWriter.Write(proto, source.BaseDirectory, path, new ModelWriteOptions());
        return map;
    }

    private static void Graph(GraphProto graph, Dictionary<string, string> map, Func<Dictionary<string, string>, string, string> rename, Func<string> fresh)
    {
        graph.Name = fresh();
        foreach (var init in graph.Initializer)
        {
            init.Name = rename(map, init.Name);
        }

        foreach (var sparse in graph.SparseInitializer)
        {
            if (sparse.Values is not null)
            {
                sparse.Values.Name = rename(map, sparse.Values.Name);
            }

            if (sparse.Indices is not null)
            {
                sparse.Indices.Name = rename(map, sparse.Indices.Name);
            }
        }

        foreach (var info in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            info.Name = rename(map, info.Name);
        }

        foreach (var node in graph.Node)
        {
            Node(node, map, rename, fresh);
        }
    }

    private static void Node(NodeProto node, Dictionary<string, string> map, Func<Dictionary<string, string>, string, string> rename, Func<string> fresh)
    {
        node.Name = fresh();
        for (var i = 0; i < node.Input.Count; i++)
        {
            node.Input[i] = rename(map, node.Input[i]);
        }

        for (var i = 0; i < node.Output.Count; i++)
        {
            node.Output[i] = rename(map, node.Output[i]);
        }

        foreach (var attribute in node.Attribute)
        {
            if (attribute.G is not null)
            {
                Graph(attribute.G, map, rename, fresh);
            }

            foreach (var g in attribute.Graphs)
            {
                Graph(g, map, rename, fresh);
            }
        }
    }
}
