using System.Text.Json.Serialization;

namespace EdgeLam.Hosting.Metrics;

/// <summary>The retained JSON summary published on the node's status topic.</summary>
public sealed class StatusSnapshot
{
    public required string Node { get; init; }

    public required string Role { get; init; }

    public string? Site { get; init; }

    public required string Board { get; init; }

    /// <summary>The STATUS= line (running, or what the node waits for).</summary>
    public required string State { get; init; }

    public required bool Healthy { get; init; }

    public IReadOnlyList<string>? HealthProblems { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required double UptimeSeconds { get; init; }

    public int? Split { get; init; }

    public long? Epoch { get; init; }

    public required IReadOnlyDictionary<string, long> Frames { get; init; }

    public required IReadOnlyDictionary<string, long> Bytes { get; init; }

    public required IReadOnlyDictionary<string, long> Drops { get; init; }

    public required long Reconnects { get; init; }

    public required IReadOnlyDictionary<string, long> SensorErrors { get; init; }

    public required IReadOnlyDictionary<string, StageSummary> Stages { get; init; }
}

/// <summary>Latency of one stage since start; quantiles are estimated from the histogram buckets.</summary>
public sealed class StageSummary
{
    public required long Count { get; init; }

    public required double MeanMs { get; init; }

    public required double P50Ms { get; init; }

    public required double P95Ms { get; init; }

    public required double P99Ms { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusSnapshot))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
