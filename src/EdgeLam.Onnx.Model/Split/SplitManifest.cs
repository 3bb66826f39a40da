using System.Text.Json.Serialization;
using EdgeLam.Onnx.Model.Costs;

namespace EdgeLam.Onnx.Model.Split;

/// <summary>The <c>manifest.json</c> written beside the segments of a split model.</summary>
public sealed record SplitManifest
{
    /// <summary>File name of the manifest inside the split folder.</summary>
    public const string FileName = "manifest.json";

    public int FormatVersion { get; init; } = 1;

    public required SourceModel Source { get; init; }

    /// <summary>Blocks detected in the source (0 for a manual tensor cut).</summary>
    public int BlockCount { get; init; }

    /// <summary>How the blocks were recognised.</summary>
    public string Detection { get; init; } = string.Empty;

    /// <summary>The source model's graph inputs, which the chained segments take.</summary>
    public required IReadOnlyList<TensorDescription> Inputs { get; init; }

    /// <summary>The source model's graph outputs, which the chained segments give.</summary>
    public required IReadOnlyList<TensorDescription> Outputs { get; init; }

    public required IReadOnlyList<BlockDescription> Blocks { get; init; }

    public required IReadOnlyList<SegmentDescription> Segments { get; init; }

    /// <summary>The model's cost table for the planner (null for a manual tensor cut and for manifests written before it).</summary>
    public ModelCostTable? Costs { get; init; }
}

/// <summary>The model that was split.</summary>
public sealed record SourceModel
{
    public required string FileName { get; init; }

    public required string Sha256 { get; init; }

    public long Bytes { get; init; }

    public IReadOnlyList<FileDescription> DataFiles { get; init => field = value ?? []; } = [];

    public long IrVersion { get; init; }

    public IReadOnlyList<OpsetDescription> Opsets { get; init => field = value ?? []; } = [];
}

/// <summary>An operator set import.</summary>
public sealed record OpsetDescription(string Domain, long Version);

/// <summary>A file with its digest.</summary>
public sealed record FileDescription
{
    public required string Name { get; init; }

    /// <summary>"model" or "data".</summary>
    public string Role { get; init; } = "model";

    public required string Sha256 { get; init; }

    public long Bytes { get; init; }
}

/// <summary>A tensor crossing a segment edge.</summary>
public sealed record TensorDescription
{
    public required string Name { get; init; }

    /// <summary>float32, float16, int64, ... ("undefined(0)" when unknown).</summary>
    public required string Dtype { get; init; }

    /// <summary>Dims as text: numbers, symbolic names, "?" for unknown; null when the rank is unknown.</summary>
    public IReadOnlyList<string>? Shape { get; init; }
}

/// <summary>Estimated size of one block.</summary>
public sealed record BlockDescription
{
    public int Index { get; init; }

    /// <summary>The block number used in the exporter's names.</summary>
    public int SourceIndex { get; init; }

    public int Nodes { get; init; }

    public long WeightBytes { get; init; }

    public long FlopsPerToken { get; init; }

    public IReadOnlyList<string> KvInputs { get; init => field = value ?? []; } = [];

    public IReadOnlyList<string> KvOutputs { get; init => field = value ?? []; } = [];
}

/// <summary>One segment of the split.</summary>
public sealed record SegmentDescription
{
    public int Index { get; init; }

    /// <summary>First block of the segment (inclusive); -1 for a manual tensor cut.</summary>
    public int FirstBlock { get; init; }

    /// <summary>One past the last block of the segment.</summary>
    public int EndBlock { get; init; }

    /// <summary>True when the segment computes the embeddings.</summary>
    public bool Embedding { get; init; }

    /// <summary>True when the segment holds the nodes after the last block (final norm, LM head).</summary>
    public bool Head { get; init; }

    /// <summary>The segment's .onnx file, then its .data file if any.</summary>
    public required IReadOnlyList<FileDescription> Files { get; init; }

    /// <summary>Source graph inputs the segment reads.</summary>
    public required IReadOnlyList<string> OriginalInputs { get; init; }

    /// <summary>Source graph outputs the segment produces.</summary>
    public required IReadOnlyList<string> OriginalOutputs { get; init; }

    /// <summary>Tensors the segment receives from earlier segments.</summary>
    public required IReadOnlyList<TensorDescription> BoundaryInputs { get; init; }

    /// <summary>Tensors the segment hands to later segments.</summary>
    public required IReadOnlyList<TensorDescription> BoundaryOutputs { get; init; }

    /// <summary>Tensors an earlier segment produced that this one passes on unchanged to a later one.</summary>
    public IReadOnlyList<string> Forwarded { get; init; } = [];

    /// <summary>
    /// Initializers the segment keeps as inputs with a default (the source's overridable inputs it reads, such as the
    /// adapters of <c>model adapt</c>): a run may feed them by name; absent in manifests written before them.
    /// </summary>
    public IReadOnlyList<TensorDescription> OverridableInputs { get; init => field = value ?? []; } = [];

    public IReadOnlyList<string> KvInputs { get; init; } = [];

    public IReadOnlyList<string> KvOutputs { get; init; } = [];

    public int Nodes { get; init; }

    public long WeightBytes { get; init; }

    public long FlopsPerToken { get; init; }
}

/// <summary>Source-generated (NativeAOT-safe) JSON for the manifest.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(SplitManifest))]
public sealed partial class SplitManifestJsonContext : JsonSerializerContext;
