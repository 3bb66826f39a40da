using System.Text.Json.Serialization;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The retained status on <c>edgelam/v1/{site}/nodes/{node}/status</c> while <c>edgelam run</c> hosts the node: the
/// fields of <see cref="NodeStatusMessage"/> (so every reader of node status decodes it) plus a metrics summary.
/// Republished every <c>Metrics:StatusInterval</c> and whenever state, connection, health or STATUS change.
/// </summary>
internal sealed class NodeStatusReport
{
    public required string Node { get; init; }

    /// <summary>online, draining or offline.</summary>
    public required NodeState State { get; init; }

    public string? Version { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    public required long PlanEpoch { get; init; }

    /// <summary>May act as orchestrator (<c>Orchestration:Eligible</c>); absent with orchestration off.</summary>
    public bool? Eligible { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Site { get; init; }

    /// <summary>The systemd STATUS= line.</summary>
    public required string Status { get; init; }

    public required bool Healthy { get; init; }

    public IReadOnlyList<string>? HealthProblems { get; init; }

    /// <summary>Hosted segments, <c>A-B</c>.</summary>
    public required string Segments { get; init; }

    public required string ModelId { get; init; }

    public required string Wire { get; init; }

    public required bool Connected { get; init; }

    public required double UptimeSeconds { get; init; }

    /// <summary>Gateway: requests finished.</summary>
    public required long Requests { get; init; }

    /// <summary>Gateway: requests that failed (no stage answered, or cancelled by a stop).</summary>
    public required long FailedRequests { get; init; }

    /// <summary>Decode steps served: tokens generated (gateway) or steps run (peer).</summary>
    public required long Steps { get; init; }

    /// <summary>Messages rejected (malformed, foreign model or epoch, unknown conversation; replies matching no step).</summary>
    public required long Rejected { get; init; }

    /// <summary>Gateway: steps sent again after a timeout.</summary>
    public required long Resent { get; init; }

    /// <summary>Gateway: conversations moved to another peer.</summary>
    public required long Rehomed { get; init; }

    /// <summary>Peer: steps answered again from the replay cache.</summary>
    public required long Replayed { get; init; }

    /// <summary>Broker connections after the first.</summary>
    public required long Reconnects { get; init; }

    /// <summary>Latency per stage since start (gateway: <c>step</c> end to end, <c>segmentN.compute</c> per stage).</summary>
    public required IReadOnlyDictionary<string, StageSummary> Stages { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(NodeStatusReport))]
internal sealed partial class NodeStatusJsonContext : JsonSerializerContext;
