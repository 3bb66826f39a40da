using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Split;

/// <summary>What one segment contains before it is written.</summary>
internal sealed class SegmentContent
{
    public required int Index { get; init; }

    public SortedSet<int> Nodes { get; } = [];

    public SortedSet<string> Initializers { get; } = new(StringComparer.Ordinal);

    public HashSet<string> OriginalInputs { get; } = new(StringComparer.Ordinal);

    public List<string> OriginalOutputs { get; } = [];

    public HashSet<string> BoundaryInputs { get; } = new(StringComparer.Ordinal);

    public HashSet<string> BoundaryOutputs { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Forwarded { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Works out each segment's nodes, inputs and outputs from a partition: a segment takes its own hidden-path nodes,
/// recomputes side subgraphs (masks, positions, rotary caches, shapes, constants) it needs, and asks earlier segments
/// for the hidden-path tensors it reads. A side node that reads another segment's KV-cache input is not recomputed:
/// its output is shipped from the segment owning that input.
/// </summary>
internal static class SegmentBuilder
{
    public static List<SegmentContent> Plan(OnnxGraph graph, Partition partition)
    {
        var k = partition.SegmentCount;
        var owner = InputOwners(graph, partition);
        var segments = Enumerable.Range(0, k).Select(i => new SegmentContent { Index = i }).ToList();

        // Graph outputs go to the segment whose node produces them; side-produced ones to the last segment.
        foreach (var output in graph.Outputs)
        {
            var p = graph.Producer(output);
            var s = p >= 0 && partition.NodeSegment[p] >= 0 ? partition.NodeSegment[p] : k - 1;
            segments[s].OriginalOutputs.Add(output);
        }

        for (var i = k - 1; i >= 0; i--)
        {
            var segment = segments[i];
            var work = new Stack<string>(segment.OriginalOutputs.Concat(segment.BoundaryOutputs).Reverse());
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (work.Count > 0)
            {
                var t = work.Pop();
                if (t.Length == 0 || !seen.Add(t))
                {
                    continue;
                }

                if (graph.IsInitializer(t))
                {
                    segment.Initializers.Add(t);
                    continue;
                }

                var p = graph.Producer(t);
                if (p < 0)
                {
                    if (graph.InputInfo.ContainsKey(t))
                    {
                        segment.OriginalInputs.Add(t);
                        continue;
                    }

                    throw new ModelFormatException($"Tensor '{t}' is read but neither produced, a graph input nor an initializer.");
                }

                var from = partition.NodeSegment[p];
                if (from < 0)
                {
                    // Side node: recompute here unless it reads a KV input owned by an earlier segment.
                    var foreign = graph.NodeInputs(p)
                        .Where(owner.ContainsKey)
                        .Select(input => owner[input])
                        .Where(o => o != i)
                        .ToList();
                    var earlier = foreign.Where(o => o < i).ToList();
                    if (earlier.Count > 0 && foreign.All(o => o < i))
                    {
                        Request(segments, earlier.Max(), i, t);
                        continue;
                    }

                    from = i;
                }

                if (from == i)
                {
                    segment.Nodes.Add(p);
                    foreach (var input in graph.NodeInputs(p))
                    {
                        work.Push(input);
                    }
                }
                else if (from < i)
                {
                    Request(segments, from, i, t);
                }
                else
                {
                    throw new ModelSurgeryException(
                        $"Segment {i} needs tensor '{t}', which segment {from} computes later; the partition is not in graph order.");
                }
            }
        }

        return segments;
    }

    /// <summary>KV-cache graph inputs and the segment owning each (the one whose hidden-path nodes read it).</summary>
    public static Dictionary<string, int> InputOwners(OnnxGraph graph, Partition partition)
    {
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
        {
            if (!BlockNamePatterns.IsKvName(input))
            {
                continue;
            }

            var segments = graph.Consumers(input)
                .Select(c => partition.NodeSegment[c])
                .Where(s => s >= 0)
                .Distinct()
                .ToList();
            if (segments.Count == 1)
            {
                owners[input] = segments[0];
            }
        }

        return owners;
    }

    private static void Request(List<SegmentContent> segments, int producer, int consumer, string tensor)
    {
        segments[consumer].BoundaryInputs.Add(tensor);
        segments[producer].BoundaryOutputs.Add(tensor);
        for (var s = producer + 1; s < consumer; s++)
        {
            segments[s].Forwarded.Add(tensor);
        }
    }

    /// <summary>Builds the standalone model of one segment (initializers keep the source's external references).</summary>
    public static ModelProto Build(
        ModelProto source,
        OnnxGraph graph,
        IReadOnlyDictionary<string, TensorType> types,
        SegmentContent segment,
        int segmentCount)
    {
        var model = new ModelProto
        {
            IrVersion = source.IrVersion,
            ProducerName = source.HasProducerName ? source.ProducerName : string.Empty,
            ProducerVersion = source.HasProducerVersion ? source.ProducerVersion : string.Empty,
            ModelVersion = source.ModelVersion,
            DocString = $"EdgeLam segment {segment.Index} of {segmentCount}",
        };
        if (source.HasDomain)
        {
            model.Domain = source.Domain;
        }

        model.OpsetImport.AddRange(source.OpsetImport.Select(o => o.Clone()));
        model.MetadataProps.AddRange(source.MetadataProps.Select(m => m.Clone()));
        model.Functions.AddRange(source.Functions.Select(f => f.Clone()));

        var g = new GraphProto { Name = $"{graph.Proto.Name}_segment{segment.Index}" };
        var order = graph.TopologicalOrder.Where(segment.Nodes.Contains);
        foreach (var n in order)
        {
            g.Node.Add(graph.Nodes[n].Clone());
        }

        foreach (var name in segment.Initializers)
        {
            if (graph.Initializers.TryGetValue(name, out var init))
            {
                g.Initializer.Add(init.Clone());
            }
            else
            {
                g.SparseInitializer.Add(graph.Proto.SparseInitializer.First(s => s.Values?.Name == name).Clone());
            }
        }

        foreach (var input in graph.Proto.Input)
        {
            if (segment.OriginalInputs.Contains(input.Name))
            {
                g.Input.Add(input.Clone());
            }
        }

        foreach (var t in OrderedBoundary(graph, segment.BoundaryInputs))
        {
            g.Input.Add(Declare(types, t, segment.Index, "input"));
        }

        var overridable = Overridable(source, graph, segment).ToHashSet(StringComparer.Ordinal);
        foreach (var input in graph.Proto.Input)
        {
            if (overridable.Contains(input.Name))
            {
                g.Input.Add(input.Clone()); // stays input + initializer: a default the node may override per run
            }
        }

        if (source.IrVersion < 4)
        {
            // Before IR 4 every initializer had to be listed as a graph input too.
            foreach (var init in g.Initializer)
            {
                g.Input.Add(new TensorType(init.DataType, init.Dims.Select(Dim.Of).ToList()).ToValueInfo(init.Name));
            }
        }

        foreach (var output in graph.Proto.Output)
        {
            if (segment.OriginalOutputs.Contains(output.Name))
            {
                g.Output.Add(output.Clone());
            }
        }

        foreach (var t in OrderedBoundary(graph, segment.BoundaryOutputs))
        {
            if (!segment.OriginalOutputs.Contains(t))
            {
                g.Output.Add(Declare(types, t, segment.Index, "output"));
            }
        }

        var produced = new HashSet<string>(g.Node.SelectMany(n => n.Output), StringComparer.Ordinal);
        var declared = new HashSet<string>(g.Input.Select(i => i.Name).Concat(g.Output.Select(o => o.Name)), StringComparer.Ordinal);
        foreach (var info in graph.Proto.ValueInfo)
        {
            if (produced.Contains(info.Name) && !declared.Contains(info.Name))
            {
                g.ValueInfo.Add(info.Clone());
            }
        }

        model.Graph = g;
        return model;
    }

    /// <summary>
    /// The segment's overridable inputs, in the source's declaration order: initializers it reads that the source
    /// (IR ≥ 4) also lists as graph inputs. They stay inputs with their default (never constants, never cut tensors),
    /// so a node feeds them between runs (adapters of <c>model adapt</c>) without rebuilding its session.
    /// </summary>
    public static IEnumerable<string> Overridable(ModelProto source, OnnxGraph graph, SegmentContent segment) =>
        source.IrVersion >= 4 ? graph.InitializerInputs.Where(segment.Initializers.Contains) : [];

    /// <summary>Boundary tensors in the order their producers run.</summary>
    public static List<string> OrderedBoundary(OnnxGraph graph, IEnumerable<string> tensors)
    {
        var position = new Dictionary<int, int>();
        for (var i = 0; i < graph.TopologicalOrder.Count; i++)
        {
            position[graph.TopologicalOrder[i]] = i;
        }

        return tensors
            .OrderBy(t => graph.Producer(t) is var p and >= 0 ? position[p] : -1)
            .ThenBy(t => graph.Producer(t) is var p and >= 0 ? graph.Nodes[p].Output.IndexOf(t) : 0)
            .ThenBy(t => t, StringComparer.Ordinal)
            .ToList();
    }

    private static ValueInfoProto Declare(IReadOnlyDictionary<string, TensorType> types, string tensor, int segment, string role)
    {
        if (!types.TryGetValue(tensor, out var type) || type.ElementType == 0)
        {
            throw new ModelSurgeryException(
                $"The element type of boundary tensor '{tensor}' (segment {segment} {role}) cannot be determined; "
                + "the model has no value_info for it and its producer is not an op the splitter can type "
                + "(a local function or an op of another domain): split with ONNX Runtime available to read its type.");
        }

        return type.ToValueInfo(tensor);
    }
}
