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

    /// <summary>
    /// The node may act as the site's orchestrator (<c>Orchestration:Eligible</c>; absent when orchestration is off).
    /// Whether it is a gateway is <see cref="Roles"/> containing <c>gateway</c>.
    /// </summary>
    public bool? Eligible { get; init; }

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

    /// <summary>Memory available now for more weights and KV caches (MemAvailable, capped by the cgroup limit).</summary>
    public long? MemoryBytes { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Roles the node plays (<c>gateway</c> or <c>peer</c>), as in its status.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>The links this node measured to every other online node of the site (its probes, docs/protocol.md "Probe").</summary>
    public IReadOnlyList<LinkCapacity>? Links { get; init; }

    /// <summary>
    /// Gateways: the hops its own decode steps' frames took, per link of its chains (to each peer stage, and the return
    /// to the gateway); absent before any step on a peer.
    /// </summary>
    public IReadOnlyList<HopCapacity>? Hops { get; init; }

    /// <summary>Gateways: median end-to-end decode step (sent to token back) over recent steps, milliseconds (absent before any).</summary>
    public double? DecodeStepMs { get; init; }
}

/// <summary>A link as its sending node measured it with probes over the broker; figures absent before any echo.</summary>
public sealed record LinkCapacity
{
    /// <summary>The node at the other end.</summary>
    public required string To { get; init; }

    /// <summary>Median round trip of the small probe (there and back through the broker), milliseconds.</summary>
    public double? RoundTripMs { get; init; }

    /// <summary>Median throughput towards <see cref="To"/>: the large probe's padding over its extra round-trip time.</summary>
    public double? BytesPerSecond { get; init; }

    /// <summary>Probes answered so far.</summary>
    public long Answered { get; init; }

    /// <summary>Probes not answered within one probe interval.</summary>
    public long Lost { get; init; }
}

/// <summary>A link's one-way time as a gateway's real frames took it.</summary>
public sealed record HopCapacity
{
    /// <summary>The sending node.</summary>
    public required string From { get; init; }

    /// <summary>The receiving node.</summary>
    public required string To { get; init; }

    /// <summary>Median time from sending a frame to the receiver taking it, over the recent hops, milliseconds.</summary>
    public required double OneWayMs { get; init; }

    /// <summary>Hops measured on this link so far.</summary>
    public long Samples { get; init; }
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

    /// <summary>The range includes the embedding (or sensor encoder): the node is this model's gateway.</summary>
    public bool Embedding { get; init; }

    /// <summary>The range includes the head (final norm and LM head).</summary>
    public bool Head { get; init; }

    /// <summary>Milliseconds per compute unit (the model's cost table) of one decode position over the hosted range.</summary>
    public double? DecodeMsPerUnit { get; init; }

    /// <summary>Where <see cref="DecodeMsPerUnit"/> comes from: the node's own steps, or its start-up benchmark before any.</summary>
    public ComputeSource? DecodeSource { get; init; }

    /// <summary>Measured: median prefill compute milliseconds per position per hosted layer (absent before any prefill).</summary>
    public double? PrefillMsPerPositionPerLayer { get; init; }

    /// <summary>Milliseconds per compute unit per position of a prefill over the hosted range.</summary>
    public double? PrefillMsPerPositionPerUnit { get; init; }

    /// <summary>Where <see cref="PrefillMsPerPositionPerUnit"/> comes from.</summary>
    public ComputeSource? PrefillSource { get; init; }

    /// <summary>Prefill positions the node has measured.</summary>
    public long? PrefillPositions { get; init; }

    /// <summary>Weight bytes of the hosted layers (blocks, plus embedding and head when hosted); absent without a cost table.</summary>
    public long? WeightBytes { get; init; }

    /// <summary>KV-cache bytes per position of one session over the hosted blocks.</summary>
    public long? KvBytesPerPosition { get; init; }

    /// <summary>What each hosted block costs, from the model's cost table.</summary>
    public IReadOnlyList<LayerCost>? Layers { get; init; }

    /// <summary>Load: requests running on this gateway now (gateways only).</summary>
    public int? InFlightRequests { get; init; }

    /// <summary>Load: received messages waiting for the stage (its MQTT incoming queue).</summary>
    public int? QueuedMessages { get; init; }
}

/// <summary>What one block of the model costs the node that hosts it.</summary>
public sealed record LayerCost
{
    public required int Layer { get; init; }

    public required long WeightBytes { get; init; }

    public required long KvBytesPerPosition { get; init; }

    /// <summary>Compute units of one position (FLOPs per token in the model's cost table).</summary>
    public required double ComputeUnits { get; init; }
}

/// <summary>Where a compute figure of the capacity message comes from.</summary>
public enum ComputeSource
{
    /// <summary>The median of the node's own recent steps.</summary>
    [JsonStringEnumMemberName("measured")]
    Measured,

    /// <summary>Before any step: the start-up micro-benchmark's rate times the hosted range's compute units.</summary>
    [JsonStringEnumMemberName("benchmark")]
    Benchmark,
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
[JsonSerializable(typeof(SessionClaimMessage))]
[JsonSerializable(typeof(ProbeMessage))]
public sealed partial class ControlMessageJsonContext : JsonSerializerContext;
