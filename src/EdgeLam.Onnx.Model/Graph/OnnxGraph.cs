using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Graph;

/// <summary>
/// A read-only index over a <see cref="GraphProto"/>: who produces and who consumes each tensor, which names are
/// graph inputs and initializers, and a topological order of the nodes (exporters do not always store one).
/// Nodes are identified by their position in <see cref="GraphProto.Node"/>.
/// </summary>
public sealed class OnnxGraph
{
    private static readonly int[] NoConsumers = [];
    private readonly Dictionary<string, int> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _consumers = new(StringComparer.Ordinal);

    public OnnxGraph(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Proto = graph;
        Nodes = graph.Node;
        foreach (var init in graph.Initializer)
        {
            Initializers[init.Name] = init;
        }

        foreach (var sparse in graph.SparseInitializer)
        {
            if (sparse.Values is not null)
            {
                SparseInitializers.Add(sparse.Values.Name);
            }
        }

        foreach (var input in graph.Input)
        {
            if (!Initializers.ContainsKey(input.Name) && !SparseInitializers.Contains(input.Name))
            {
                Inputs.Add(input.Name);
                InputInfo[input.Name] = input;
            }
            else
            {
                InitializerInputs.Add(input.Name);
            }
        }

        foreach (var output in graph.Output)
        {
            Outputs.Add(output.Name);
        }

        foreach (var info in graph.ValueInfo)
        {
            ValueInfo[info.Name] = info;
        }

        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            foreach (var output in node.Output)
            {
                if (output.Length == 0)
                {
                    continue;
                }

                if (!_producer.TryAdd(output, i))
                {
                    throw new ModelFormatException(
                        $"Tensor '{output}' is produced by two nodes ('{NodeLabel(_producer[output])}' and '{NodeLabel(i)}').");
                }
            }

            foreach (var input in NodeInputs(i))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    list = [];
                    _consumers[input] = list;
                }

                if (list.Count == 0 || list[^1] != i)
                {
                    list.Add(i);
                }
            }
        }

        TopologicalOrder = Toposort();
    }

    /// <summary>The graph this index was built from.</summary>
    public GraphProto Proto { get; }

    /// <summary>The nodes in stored order.</summary>
    public IReadOnlyList<NodeProto> Nodes { get; }

    /// <summary>Graph inputs that are not initializers, in declaration order.</summary>
    public List<string> Inputs { get; } = [];

    /// <summary>
    /// Graph inputs that are also initializers, in declaration order: from IR 4 on, defaults a run may override (the
    /// adapters of <c>model adapt</c>); before IR 4 every initializer is listed so. Not among <see cref="Inputs"/>.
    /// </summary>
    public List<string> InitializerInputs { get; } = [];

    /// <summary>Declared type of each graph input.</summary>
    public Dictionary<string, ValueInfoProto> InputInfo { get; } = new(StringComparer.Ordinal);

    /// <summary>Graph output names in declaration order.</summary>
    public List<string> Outputs { get; } = [];

    /// <summary>Dense initializers by name.</summary>
    public Dictionary<string, TensorProto> Initializers { get; } = new(StringComparer.Ordinal);

    /// <summary>Names of sparse initializers.</summary>
    public HashSet<string> SparseInitializers { get; } = new(StringComparer.Ordinal);

    /// <summary>value_info entries by name.</summary>
    public Dictionary<string, ValueInfoProto> ValueInfo { get; } = new(StringComparer.Ordinal);

    /// <summary>Node indices in an order where every producer precedes its consumers.</summary>
    public IReadOnlyList<int> TopologicalOrder { get; }

    /// <summary>True when <paramref name="name"/> is a dense or sparse initializer.</summary>
    public bool IsInitializer(string name) => Initializers.ContainsKey(name) || SparseInitializers.Contains(name);

    /// <summary>True when <paramref name="name"/> is produced by a node, is a graph input or an initializer.</summary>
    public bool Exists(string name) => _producer.ContainsKey(name) || InputInfo.ContainsKey(name) || IsInitializer(name);

    /// <summary>The node producing <paramref name="tensor"/>, or -1 for graph inputs, initializers and unknown names.</summary>
    public int Producer(string tensor) => _producer.TryGetValue(tensor, out var n) ? n : -1;

    /// <summary>Nodes reading <paramref name="tensor"/>, including reads from nested subgraphs.</summary>
    public IReadOnlyList<int> Consumers(string tensor) =>
        _consumers.TryGetValue(tensor, out var list) ? list : NoConsumers;

    /// <summary>
    /// Every tensor name node <paramref name="index"/> reads: its inputs plus names nested subgraphs (If/Loop/Scan)
    /// capture from the outer scope. Empty optional inputs are skipped.
    /// </summary>
    public IEnumerable<string> NodeInputs(int index)
    {
        var node = Nodes[index];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in node.Input)
        {
            if (input.Length > 0 && seen.Add(input))
            {
                yield return input;
            }
        }

        foreach (var attribute in node.Attribute)
        {
            var subgraphs = attribute.G is null ? attribute.Graphs : attribute.Graphs.Prepend(attribute.G);
            foreach (var sub in subgraphs)
            {
                foreach (var captured in OuterScopeNames(sub))
                {
                    if (seen.Add(captured))
                    {
                        yield return captured;
                    }
                }
            }
        }
    }

    /// <summary>A readable identification of a node for error messages.</summary>
    public string NodeLabel(int index)
    {
        var node = Nodes[index];
        return node.Name.Length > 0 ? node.Name : $"#{index} {node.OpType} -> {string.Join(",", node.Output)}";
    }

    /// <summary>Names a subgraph reads that it does not define itself (values captured from the enclosing graph).</summary>
    public static HashSet<string> OuterScopeNames(GraphProto subgraph)
    {
        ArgumentNullException.ThrowIfNull(subgraph);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in subgraph.Input)
        {
            defined.Add(i.Name);
        }

        foreach (var i in subgraph.Initializer)
        {
            defined.Add(i.Name);
        }

        foreach (var n in subgraph.Node)
        {
            foreach (var o in n.Output)
            {
                defined.Add(o);
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in subgraph.Node)
        {
            foreach (var i in n.Input)
            {
                if (i.Length > 0 && !defined.Contains(i))
                {
                    used.Add(i);
                }
            }

            foreach (var a in n.Attribute)
            {
                var subs = a.G is null ? a.Graphs : a.Graphs.Prepend(a.G);
                foreach (var s in subs)
                {
                    foreach (var name in OuterScopeNames(s))
                    {
                        if (!defined.Contains(name))
                        {
                            used.Add(name);
                        }
                    }
                }
            }
        }

        foreach (var o in subgraph.Output)
        {
            if (!defined.Contains(o.Name))
            {
                used.Add(o.Name);
            }
        }

        return used;
    }

    private List<int> Toposort()
    {
        var count = Nodes.Count;
        var pending = new int[count];
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < count; i++)
        {
            foreach (var input in NodeInputs(i))
            {
                if (_producer.TryGetValue(input, out var p) && p != i)
                {
                    pending[i]++;
                }
            }

            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var order = new List<int>(count);
        while (ready.TryDequeue(out var n, out _))
        {
            order.Add(n);
            foreach (var output in Nodes[n].Output)
            {
                if (output.Length == 0)
                {
                    continue;
                }

                foreach (var c in Consumers(output))
                {
                    if (c != n && --pending[c] == 0)
                    {
                        ready.Enqueue(c, c);
                    }
                }
            }
        }

        if (order.Count != count)
        {
            var stuck = Enumerable.Range(0, count).First(i => pending[i] > 0);
            throw new ModelFormatException($"The graph has a cycle (node '{NodeLabel(stuck)}' never becomes ready).");
        }

        return order;
    }
}
