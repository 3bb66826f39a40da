using System.Text.Json.Serialization;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Onnx.Model.Inspect;

/// <summary>What <c>edgelam model inspect</c> reports about a model.</summary>
public sealed record ModelSummary
{
    public required string Path { get; init; }

    public long IrVersion { get; init; }

    public string Producer { get; init; } = string.Empty;

    public string ProducerVersion { get; init; } = string.Empty;

    public required IReadOnlyList<OpsetDescription> Opsets { get; init; }

    public required IReadOnlyList<TensorDescription> Inputs { get; init; }

    public required IReadOnlyList<TensorDescription> Outputs { get; init; }

    public int Nodes { get; init; }

    public int Initializers { get; init; }

    /// <summary>Initializer bytes stored inside the .onnx file.</summary>
    public long InlineInitializerBytes { get; init; }

    /// <summary>Initializer bytes stored in external data files.</summary>
    public long ExternalInitializerBytes { get; init; }

    public required IReadOnlyList<ExternalDataFile> ExternalDataFiles { get; init; }

    /// <summary>Node count per "domain:op_type" ("op_type" for the default domain).</summary>
    public required IReadOnlyDictionary<string, int> Operators { get; init; }

    /// <summary>Detected transformer blocks, or null when none were recognised (see <see cref="BlockDetection"/>).</summary>
    public int? Blocks { get; init; }

    /// <summary>How blocks were recognised, or why not.</summary>
    public string BlockDetection { get; init; } = string.Empty;

    /// <summary>"structure" or "names" when blocks were recognised, else empty.</summary>
    public string BlocksFoundBy { get; init; } = string.Empty;

    /// <summary>Each usable block boundary with the tensors a cut there carries.</summary>
    public IReadOnlyList<BoundaryDescription> Boundaries { get; init; } = [];
}

/// <summary>A block boundary (0 = after the embedding, N = before the head) and the tensors crossing it.</summary>
public sealed record BoundaryDescription(int Boundary, IReadOnlyList<TensorDescription> CutTensors);

/// <summary>An external data file and the tensor bytes the model reads from it.</summary>
public sealed record ExternalDataFile(string File, long Bytes, long FileBytes);

/// <summary>Source-generated (NativeAOT-safe) JSON for <see cref="ModelSummary"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ModelSummary))]
public sealed partial class ModelSummaryJsonContext : JsonSerializerContext;
