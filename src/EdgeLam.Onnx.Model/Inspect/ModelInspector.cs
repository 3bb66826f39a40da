using System.Globalization;
using System.Text;
using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Onnx.Model.Inspect;

/// <summary>Summarises a model without reading its external data.</summary>
public static class ModelInspector
{
    public static ModelSummary Inspect(ModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new OnnxGraph(model.Graph);
        var types = TypeInference.Infer(graph);
        long inline = 0;
        long external = 0;
        foreach (var init in model.Graph.Initializer)
        {
            if (TensorStorage.IsExternal(init))
            {
                external += TensorStorage.ByteLength(init);
            }
            else
            {
                inline += TensorStorage.ByteLength(init);
            }
        }

        int? blocks = null;
        string detection;
        var foundBy = string.Empty;
        var boundaries = new List<BoundaryDescription>();
        try
        {
            var layout = BlockDetector.Detect(graph, Path.GetFileName(model.FilePath) ?? model.Graph.Name);
            blocks = layout.BlockCount;
            detection = $"{layout.BlockCount} blocks from {layout.Evidence}; hidden state starts at {layout.HiddenOrigin}";
            foundBy = layout.Source == BlockSource.Structure ? "structure" : "names";
            for (var b = 0; b <= layout.BlockCount; b++)
            {
                if ((b == 0 && !layout.HasEmbeddingStage) || (b == layout.BlockCount && !layout.HasHeadStage))
                {
                    continue;
                }

                boundaries.Add(new BoundaryDescription(b, layout.CutTensors(b).Select(t => Describe(layout.Types, t)).ToList()));
            }
        }
        catch (OnnxModelException e)
        {
            detection = e.Message;
        }

        var operators = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in model.Graph.Node)
        {
            var key = node.Domain is "" or "ai.onnx" ? node.OpType : node.Domain + ":" + node.OpType;
            operators[key] = operators.GetValueOrDefault(key) + 1;
        }

        return new ModelSummary
        {
            Path = model.FilePath ?? string.Empty,
            IrVersion = model.Proto.IrVersion,
            Producer = model.Proto.ProducerName,
            ProducerVersion = model.Proto.ProducerVersion,
            Opsets = model.Proto.OpsetImport.Select(o => new OpsetDescription(o.Domain, o.Version)).ToList(),
            Inputs = graph.Inputs.Select(i => Describe(types, i)).ToList(),
            Outputs = graph.Outputs.Select(o => Describe(types, o)).ToList(),
            Nodes = model.Graph.Node.Count,
            Initializers = model.Graph.Initializer.Count,
            InlineInitializerBytes = inline,
            ExternalInitializerBytes = external,
            ExternalDataFiles = model.ExternalDataFiles()
                .Select(kv => new ExternalDataFile(Path.GetRelativePath(model.BaseDirectory, kv.Key), kv.Value, new FileInfo(kv.Key).Length))
                .ToList(),
            Operators = operators,
            Blocks = blocks,
            BlockDetection = detection,
            BlocksFoundBy = foundBy,
            Boundaries = boundaries,
        };
    }

    /// <summary>The human-readable form printed by <c>edgelam model inspect</c>.</summary>
    public static string Format(ModelSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"model:      {summary.Path}");
        s.AppendLine(c, $"ir_version: {summary.IrVersion}");
        s.AppendLine(string.Create(c, $"producer:   {summary.Producer} {summary.ProducerVersion}").TrimEnd());
        s.AppendLine(c, $"opsets:     {string.Join(", ", summary.Opsets.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}"))}");
        s.AppendLine("inputs:");
        foreach (var t in summary.Inputs)
        {
            s.AppendLine(c, $"  {t.Name}: {t.Dtype}{Shape(t)}");
        }

        s.AppendLine("outputs:");
        foreach (var t in summary.Outputs)
        {
            s.AppendLine(c, $"  {t.Name}: {t.Dtype}{Shape(t)}");
        }

        s.AppendLine(c, $"nodes:      {summary.Nodes}");
        s.AppendLine(c, $"initializers: {summary.Initializers} ({summary.InlineInitializerBytes} bytes inline, {summary.ExternalInitializerBytes} bytes external)");
        foreach (var f in summary.ExternalDataFiles)
        {
            s.AppendLine(c, $"  external data: {f.File} ({f.Bytes} bytes used of {f.FileBytes})");
        }

        var blocks = summary.Blocks?.ToString(c) ?? "none";
        s.AppendLine(c, $"blocks:     {blocks} ({summary.BlockDetection})");
        foreach (var b in summary.Boundaries)
        {
            var tensors = string.Join(", ", b.CutTensors.Select(t => $"{t.Name} {t.Dtype}{Shape(t)}"));
            s.AppendLine(c, $"  cut at boundary {b.Boundary}: {tensors}");
        }

        return s.ToString();
    }

    private static TensorDescription Describe(IReadOnlyDictionary<string, TensorType> types, string name)
    {
        types.TryGetValue(name, out var type);
        return new TensorDescription
        {
            Name = name,
            Dtype = TensorElementTypes.Name(type?.ElementType ?? 0),
            Shape = type?.ShapeText,
        };
    }

    private static string Shape(TensorDescription t) => t.Shape is null ? " [?]" : " [" + string.Join(", ", t.Shape) + "]";
}
