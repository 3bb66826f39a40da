using System.Text.Json.Serialization;

namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>What <see cref="ModelQuantizer"/> did: written as the <c>quantization</c> member of <c>model_info.json</c>.</summary>
public sealed record QuantizationReport
{
    public required int Bits { get; init; }

    public required int BlockSize { get; init; }

    public required bool Symmetric { get; init; }

    public required int AccuracyLevel { get; init; }

    public required IReadOnlyList<string> Exclude { get; init; }

    /// <summary>The source model file name and its bytes with its external data.</summary>
    public required string Source { get; init; }

    public required long BytesBefore { get; init; }

    /// <summary>The written model's bytes with its external data.</summary>
    public required long BytesAfter { get; init; }

    public required IReadOnlyList<QuantizedTensor> Quantized { get; init; }

    public required IReadOnlyList<SkippedTensor> Skipped { get; init; }
}

/// <summary>One weight replaced: the node that read it, its op, K and N, and its bytes before and after (codes, scales, zero points).</summary>
public sealed record QuantizedTensor(string Node, string Op, string Weight, string NewOp, long K, long N, long BytesBefore, long BytesAfter);

/// <summary>One constant weight left as it was, and why.</summary>
public sealed record SkippedTensor(string Node, string Op, string Weight, string Reason);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(QuantizationReport))]
internal sealed partial class QuantizationReportJsonContext : JsonSerializerContext;
