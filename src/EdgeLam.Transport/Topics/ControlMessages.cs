using System.Text.Json.Serialization;

namespace EdgeLam.Transport.Topics;

/// <summary>A node's liveness, retained on <c>nodes/{node}/status</c>; the "offline" form is the node's last will.</summary>
public sealed record NodeStatusMessage
{
    public required string Node { get; init; }

    public required NodeState State { get; init; }

    /// <summary>The edgelam version the node runs.</summary>
    public string? Version { get; init; }

    /// <summary>Roles the node plays, e.g. <c>gateway</c>, <c>peer</c>.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>The plan epoch the node has loaded, if any.</summary>
    public long? PlanEpoch { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When this status was published (absent in the pre-built last will).</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>Node liveness states.</summary>
public enum NodeState
{
    [JsonStringEnumMemberName("online")]
    Online,

    [JsonStringEnumMemberName("draining")]
    Draining,

    [JsonStringEnumMemberName("offline")]
    Offline,
}

/// <summary>What a node can run, retained on <c>nodes/{node}/capacity</c>.</summary>
public sealed record NodeCapacityMessage
{
    public required string Node { get; init; }

    public required IReadOnlyList<HostedSegments> Models { get; init; }

    /// <summary>Logical CPUs available to inference.</summary>
    public int? CpuCount { get; init; }

    /// <summary>Memory available for weights and KV caches.</summary>
    public long? MemoryBytes { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>A contiguous range of layers of one model hosted by a node, with its session capacity.</summary>
public sealed record HostedSegments
{
    public required string ModelId { get; init; }

    /// <summary>First layer (inclusive).</summary>
    public required int FirstLayer { get; init; }

    /// <summary>Last layer (exclusive); also the boundary this range ends at.</summary>
    public required int EndLayer { get; init; }

    /// <summary>Concurrent sessions (KV caches) the node accepts for this range.</summary>
    public required int MaxSessions { get; init; }

    public int ActiveSessions { get; init; }

    /// <summary>Measured: median compute milliseconds of a decode step per hosted layer over the node's recent steps (absent before any).</summary>
    public double? DecodeMsPerLayer { get; init; }

    /// <summary>Decode steps the node has measured (how much <see cref="DecodeMsPerLayer"/> rests on).</summary>
    public long? DecodeSteps { get; init; }
}

/// <summary>The split plan, retained on <c>plan</c>; a higher <see cref="Epoch"/> replaces a lower one.</summary>
public sealed record PlanMessage
{
    /// <summary>Monotonic plan version; frames carry it and nodes drop frames of another epoch.</summary>
    public required long Epoch { get; init; }

    public required string ModelId { get; init; }

    /// <summary>Total layers of the model.</summary>
    public required int Layers { get; init; }

    /// <summary>Stages in order; stage i ends at boundary <c>Stages[i].EndLayer</c>.</summary>
    public required IReadOnlyList<PlanStage> Stages { get; init; }

    /// <summary>Activation codec name agreed for this plan (see "Activation frame").</summary>
    public string? Codec { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>One stage of a plan: a layer range and the nodes that may run it.</summary>
public sealed record PlanStage
{
    public required int Index { get; init; }

    public required int FirstLayer { get; init; }

    public required int EndLayer { get; init; }

    /// <summary>Nodes that host this range (peers of one stage share its shared subscription).</summary>
    public required IReadOnlyList<string> Nodes { get; init; }
}

/// <summary>A peer announcing that it took a session: later steps go to its <c>PeerActivation</c> topic.</summary>
public sealed record SessionClaimMessage
{
    public required string Session { get; init; }

    public required string ModelId { get; init; }

    public required int Boundary { get; init; }

    /// <summary>The peer that holds the session's KV cache.</summary>
    public required string Node { get; init; }

    public required long Epoch { get; init; }
}

/// <summary>Source-generated (NativeAOT/trim-safe) JSON for the control messages: camelCase, enums as camelCase strings, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(NodeStatusMessage))]
[JsonSerializable(typeof(NodeCapacityMessage))]
[JsonSerializable(typeof(PlanMessage))]
[JsonSerializable(typeof(SessionClaimMessage))]
public sealed partial class ControlMessageJsonContext : JsonSerializerContext;
