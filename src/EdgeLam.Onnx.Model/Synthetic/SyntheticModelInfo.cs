using System.Text.Json.Serialization;

namespace EdgeLam.Onnx.Model.Synthetic;

/// <summary>The <c>model_info.json</c> written beside a synthetic model: what was built and from which seed.</summary>
public sealed record SyntheticModelInfo
{
    public required string Preset { get; init; }

    public required string Architecture { get; init; }

    /// <summary>"fp32" or "fp16".</summary>
    public required string DataType { get; init; }

    public required ulong Seed { get; init; }

    public required int Opset { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int HiddenSize { get; init; }

    public required int NumAttentionHeads { get; init; }

    public required int NumKeyValueHeads { get; init; }

    public required int HeadSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int VocabSize { get; init; }

    public required int MaxPositionEmbeddings { get; init; }

    public required bool TieWordEmbeddings { get; init; }

    public required bool AttentionBias { get; init; }

    public required double RopeTheta { get; init; }

    public required float NormEpsilon { get; init; }

    public required long ParameterCount { get; init; }

    public required string ModelFile { get; init; }

    public required string DataFile { get; init; }

    /// <summary>Input and output names with <c>%d</c> for the layer index, as in genai_config.json.</summary>
    public required IReadOnlyDictionary<string, string> Names { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SyntheticModelInfo))]
internal sealed partial class SyntheticModelInfoJsonContext : JsonSerializerContext;
