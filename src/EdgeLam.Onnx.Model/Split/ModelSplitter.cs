using System.Security.Cryptography;
using System.Text.Json;
using EdgeLam.Core.Models;
using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Costs;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;

namespace EdgeLam.Onnx.Model.Split;

/// <summary>
/// Cuts a model into segments that run one after another: segment i's boundary outputs feed later segments, and
/// together the segments take the source model's inputs and give its outputs. Each segment is written as
/// <c>segment{i}.onnx</c> with its weights in <c>segment{i}.onnx.data</c>, and <c>manifest.json</c> describes them.
/// </summary>
public static class ModelSplitter
{
    /// <summary>Splits <paramref name="source"/> as <paramref name="plan"/> says and writes the result to <paramref name="outDir"/>.</summary>
    /// <param name="source">The model.</param>
    /// <param name="plan">Where to cut.</param>
    /// <param name="outDir">Folder for the segments and the manifest.</param>
    /// <param name="openModel">
    /// Opens a model in ONNX Runtime; asked only when a cut carries outputs of ops the schema tables cannot type
    /// (local functions, other domains), to read the types ONNX Runtime resolves for them.
    /// </param>
    /// <exception cref="ModelSurgeryException">The plan cannot be applied to this model.</exception>
    public static SplitManifest Split(ModelFile source, SplitPlan plan, string outDir, Func<string, IModelRunner>? openModel = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        var prepared = Prepare(source, plan);
        var untyped = SegmentBuilder.Plan(prepared.Graph, prepared.Partition)
            .SelectMany(c => c.BoundaryOutputs)
            .Where(t => !prepared.Types.TryGetValue(t, out var type) || type.ElementType == 0)
            .ToHashSet(StringComparer.Ordinal);
        if (untyped.Count > 0 && openModel is not null)
        {
            var types = new Dictionary<string, TensorType>(prepared.Types, StringComparer.Ordinal);
            foreach (var (name, type) in RuntimeTypes.Probe(source, untyped, outDir, openModel))
            {
                types[name] = type;
            }

            prepared = prepared with { Types = types, Detection = prepared.Detection + "; types of " + untyped.Count + " cut tensors from ONNX Runtime" };
        }

        return Write(source, prepared, outDir);
    }

    /// <summary>The block layout the splitter would use (for inspection and tests).</summary>
    public static BlockLayout Detect(ModelFile source) => BlockDetector.Detect(source);

    private static PreparedSplit Prepare(ModelFile source, SplitPlan plan)
    {
        var graph = new OnnxGraph(source.Graph);
        if (plan.CutTensors is { } cuts)
        {
            var constant = HiddenPath.ConstantNodes(graph);
            var hidden = HiddenPath.Mark(graph, HiddenPath.FindEmbeddings(graph, constant), out _);
            var manual = Partition.FromTensorCuts(graph, hidden, cuts);
            var types = TypeInference.Infer(graph);
            return new PreparedSplit(graph, types, manual, null, "manual tensor cut");
        }

        var layout = BlockDetector.Detect(graph, Path.GetFileName(source.FilePath) ?? graph.Proto.Name);
        var boundaries = plan.Boundaries ?? Partition.BalancedBoundaries(layout, plan.SegmentCount!.Value);
        var partition = Partition.FromBoundaries(layout, boundaries);
        return new PreparedSplit(graph, layout.Types, partition, layout, layout.Evidence);
    }

    private static SplitManifest Write(ModelFile source, PreparedSplit prepared, string outDir)
    {
        var graph = prepared.Graph;
        var partition = prepared.Partition;
        var contents = SegmentBuilder.Plan(graph, partition);
        foreach (var c in contents)
        {
            if (c.Nodes.Count == 0)
            {
                throw new ModelSurgeryException($"Segment {c.Index} would contain no nodes; choose other boundaries.");
            }
        }

        Directory.CreateDirectory(outDir);
        var owners = SegmentBuilder.InputOwners(graph, partition);
        var constant = HiddenPath.ConstantNodes(graph);
        var segments = new List<SegmentDescription>();
        foreach (var content in contents)
        {
            var proto = SegmentBuilder.Build(source.Proto, graph, prepared.Types, content, contents.Count);
            var name = $"segment{content.Index}.onnx";
            var written = ModelWriter.Write(proto, source.BaseDirectory, Path.Combine(outDir, name), new ModelWriteOptions());
            var files = new List<FileDescription> { Describe(written.ModelPath, "model") };
            if (written.DataPath is not null)
            {
                files.Add(Describe(written.DataPath, "data"));
            }

            var (first, end) = partition.BlockRanges[content.Index];
            var stages = prepared.Layout?.Stages;
            var cost = StageCosts.Of(graph, constant, partition.NodeSegment, content.Index);
            segments.Add(new SegmentDescription
            {
                Index = content.Index,
                FirstBlock = first,
                EndBlock = end,
                Embedding = stages is not null && content.Nodes.Any(n => stages[n] == BlockLayout.EmbeddingStage),
                Head = stages is not null && content.Nodes.Any(n => stages[n] == prepared.Layout!.HeadStage),
                Files = files,
                OriginalInputs = graph.Inputs.Where(content.OriginalInputs.Contains).ToList(),
                OriginalOutputs = graph.Outputs.Where(content.OriginalOutputs.Contains).ToList(),
                BoundaryInputs = SegmentBuilder.OrderedBoundary(graph, content.BoundaryInputs).Select(t => Tensor(prepared.Types, t)).ToList(),
                BoundaryOutputs = SegmentBuilder.OrderedBoundary(graph, content.BoundaryOutputs).Select(t => Tensor(prepared.Types, t)).ToList(),
                Forwarded = SegmentBuilder.OrderedBoundary(graph, content.Forwarded),
                OverridableInputs = SegmentBuilder.Overridable(source.Proto, graph, content).Select(t => Tensor(prepared.Types, t)).ToList(),
                KvInputs = graph.Inputs.Where(i => owners.TryGetValue(i, out var o) && o == content.Index).ToList(),
                KvOutputs = content.OriginalOutputs.Where(BlockNamePatterns.IsKvName).ToList(),
                Nodes = content.Nodes.Count,
                WeightBytes = cost.WeightBytes,
                FlopsPerToken = cost.FlopsPerToken,
            });
        }

        var manifest = new SplitManifest
        {
            Source = DescribeSource(source),
            BlockCount = prepared.Layout?.BlockCount ?? 0,
            Detection = prepared.Detection,
            Inputs = graph.Inputs.Select(i => Tensor(prepared.Types, i)).ToList(),
            Outputs = graph.Outputs.Select(o => Tensor(prepared.Types, o)).ToList(),
            Blocks = prepared.Layout?.Blocks.Select(b => new BlockDescription
            {
                Index = b.Index,
                SourceIndex = b.SourceIndex,
                Nodes = b.NodeCount,
                WeightBytes = b.Cost.WeightBytes,
                FlopsPerToken = b.Cost.FlopsPerToken,
                KvInputs = b.KvInputs,
                KvOutputs = b.KvOutputs,
            }).ToList() ?? [],
            Segments = segments,
            Costs = prepared.Layout is { } layout ? ModelCosts.Of(layout) : null,
        };

        using (var stream = new FileStream(Path.Combine(outDir, SplitManifest.FileName), FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, manifest, SplitManifestJsonContext.Default.SplitManifest);
        }

        return manifest;
    }

    /// <summary>Reads a manifest written by <see cref="Split"/>.</summary>
    /// <exception cref="ModelFormatException">The folder has no manifest, or it is unreadable or malformed.</exception>
    public static SplitManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, SplitManifest.FileName);
        if (!File.Exists(path))
        {
            throw new ModelFormatException($"'{directory}' is not a split model folder: it has no {SplitManifest.FileName}.");
        }

        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"'{path}' cannot be read: {e.Message}", e);
        }

        return ParseManifest(json, path);
    }

    /// <summary>Parses the JSON of a manifest; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">The JSON is not a manifest (a required member missing or null included).</exception>
    public static SplitManifest ParseManifest(ReadOnlySpan<byte> json, string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize(json, SplitManifestJsonContext.Default.SplitManifest)
                ?? throw new ModelFormatException($"'{path}' is empty.");
            return SplitManifestEntries.FirstNull(manifest) is { } entry
                ? throw new ModelFormatException($"'{path}' is not a valid split manifest: {entry} is null.")
                : manifest;
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"'{path}' is not a valid split manifest: {e.Message}", e);
        }
    }

    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static FileDescription Describe(string path, string role) => new()
    {
        Name = Path.GetFileName(path),
        Role = role,
        Sha256 = Sha256(path),
        Bytes = new FileInfo(path).Length,
    };

    private static SourceModel DescribeSource(ModelFile source)
    {
        var path = source.FilePath ?? throw new ModelSurgeryException("The source model was not read from a file.");
        return new SourceModel
        {
            FileName = Path.GetFileName(path),
            Sha256 = Sha256(path),
            Bytes = new FileInfo(path).Length,
            DataFiles = source.ExternalDataFiles().Keys.Select(f => Describe(f, "data") with
            {
                Name = Path.GetRelativePath(source.BaseDirectory, f),
            }).ToList(),
            IrVersion = source.Proto.IrVersion,
            Opsets = source.Proto.OpsetImport.Select(o => new OpsetDescription(o.Domain, o.Version)).ToList(),
        };
    }

    private static TensorDescription Tensor(IReadOnlyDictionary<string, TensorType> types, string name)
    {
        types.TryGetValue(name, out var type);
        return new TensorDescription
        {
            Name = name,
            Dtype = TensorElementTypes.Name(type?.ElementType ?? 0),
            Shape = type?.ShapeText,
        };
    }

    private sealed record PreparedSplit(
        OnnxGraph Graph,
        IReadOnlyDictionary<string, TensorType> Types,
        Partition Partition,
        BlockLayout? Layout,
        string Detection);
}
