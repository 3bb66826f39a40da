using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Rewrites of the shared models that remove naming evidence, to exercise the structural fallbacks.</summary>
internal static class ModelVariants
{
    /// <summary>
    /// Clears node names and renames every initializer and intermediate tensor to an opaque name (w0, t0, ...),
    /// keeping graph inputs and outputs. Writes the model (with its weights) to <paramref name="path"/>.
    /// </summary>
    public static void WriteAnonymized(ModelFile source, string path, bool keepInitializerNames = false)
    {
        var proto = source.Proto.Clone();
        var graph = proto.Graph;
        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!keepInitializerNames)
        {
            for (var i = 0; i < graph.Initializer.Count; i++)
            {
                rename[graph.Initializer[i].Name] = "w" + i;
            }
        }

        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var t = 0;
        foreach (var node in graph.Node)
        {
            node.Name = string.Empty;
            foreach (var o in node.Output)
            {
                if (o.Length > 0 && !outputs.Contains(o))
                {
                    rename[o] = "t" + t++;
                }
            }
        }

        foreach (var init in graph.Initializer)
        {
            init.Name = Rename(rename, init.Name);
        }

        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = Rename(rename, node.Input[i]);
            }

            for (var i = 0; i < node.Output.Count; i++)
            {
                node.Output[i] = Rename(rename, node.Output[i]);
            }
        }

        foreach (var info in graph.ValueInfo)
        {
            info.Name = Rename(rename, info.Name);
        }

        foreach (var input in graph.Input)
        {
            input.Name = Rename(rename, input.Name);
        }

        ModelWriter.Write(proto, source.BaseDirectory, path, new ModelWriteOptions());
    }

    /// <summary>
    /// Moves every node <paramref name="select"/> picks into both branches of an <c>If</c> on a constant true condition.
    /// Inside the branches the node keeps its output names, so each name is defined both by the If node in the main
    /// graph and by the node in the branch's own scope; the node's inputs become reads of outer-scope names.
    /// </summary>
    public static void WriteWithNodesInSubgraphs(ModelFile source, string path, Func<NodeProto, bool> select)
    {
        var proto = source.Proto.Clone();
        var graph = proto.Graph;
        var types = Graph.TypeInference.Infer(new Graph.OnnxGraph(graph));
        const string condition = "edgelam_test_true";
        var flag = new TensorProto { Name = condition, DataType = (int)TensorProto.Types.DataType.Bool, Int32Data = { 1 } };
        graph.Initializer.Add(flag);
        var moved = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (!select(node))
            {
                continue;
            }

            var branch = new GraphProto { Name = "branch_" + i, Node = { node.Clone() } };
            branch.Output.AddRange(node.Output.Select(o => types[o].ToValueInfo(o)));
            var wrapper = new NodeProto { OpType = "If", Name = node.Name, Input = { condition } };
            wrapper.Output.AddRange(node.Output);
            wrapper.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
            wrapper.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch.Clone() });
            graph.Node[i] = wrapper;
            moved.UnionWith(node.Output);
        }

        // Types of the wrapped outputs now come from the branches only.
        var stale = graph.ValueInfo.Where(v => moved.Contains(v.Name)).ToList();
        foreach (var v in stale)
        {
            graph.ValueInfo.Remove(v);
        }

        ModelWriter.Write(proto, source.BaseDirectory, path, new ModelWriteOptions());
    }

    private static string Rename(Dictionary<string, string> map, string name) =>
        name.Length > 0 && map.TryGetValue(name, out var renamed) ? renamed : name;
}
