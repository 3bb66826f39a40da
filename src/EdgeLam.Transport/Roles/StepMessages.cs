using System.Text.Json.Serialization;

namespace EdgeLam.Transport.Roles;

/// <summary>What one stage spent on a step, in microseconds.</summary>
public sealed record StageTiming
{
    /// <summary>The stage's node.</summary>
    public required string Node { get; init; }

    /// <summary>First segment the stage hosts.</summary>
    public int FirstSegment { get; init; }

    /// <summary>
    /// The hop into this stage: from the previous stage sending the frame to its arrival at this node (before it
    /// waits in the node's queue, <see cref="QueueUs"/>), by the wall clocks of the two nodes; 0 for the gateway's own stage.
    /// </summary>
    public long HopUs { get; init; }

    /// <summary>Time the frame waited in the node's queue before it was taken.</summary>
    public long QueueUs { get; init; }

    /// <summary>Time in ONNX Runtime.</summary>
    public long ComputeUs { get; init; }

    /// <summary>Time decoding the incoming frame.</summary>
    public long DecodeUs { get; init; }

    /// <summary>Time encoding the outgoing frame (or sampling on the last stage).</summary>
    public long EncodeUs { get; init; }
}

/// <summary>A token and its probability.</summary>
public sealed record TokenProbability(long Id, float P);

/// <summary>
/// The last stage's answer to the gateway for one step (topic <c>…/nodes/{gateway}/replies</c>): the sampled token,
/// the route the step took (boundary → node, for conversation affinity) and every stage's timings. The gateway
/// publishes the step's <see cref="InferenceResult"/> from the one reply it accepts.
/// </summary>
public sealed record StepReply
{
    /// <summary>The conversation (the frame's session id; JSON <c>session</c>, kept for compatibility).</summary>
    [JsonPropertyName("session")]
    public required Guid Conversation { get; init; }

    /// <summary>The gateway's request id.</summary>
    public required ulong Request { get; init; }

    /// <summary>The step (0 = prefill).</summary>
    public required uint Step { get; init; }

    /// <summary>The sampled token.</summary>
    public required long Token { get; init; }

    /// <summary>boundary → node that holds the conversation after that cut.</summary>
    public required IReadOnlyDictionary<string, string> Route { get; init; }

    /// <summary>Top-k tokens with probabilities.</summary>
    public IReadOnlyList<TokenProbability> TopK { get; init; } = [];

    /// <summary>Timings of every stage, the gateway first.</summary>
    public IReadOnlyList<StageTiming> Stages { get; init; } = [];

    /// <summary>Microseconds between each hop's send and receive up to the last stage, summed (wall clocks).</summary>
    public long WireUs { get; init; }

    /// <summary>When the last stage sent this reply (µs, Unix epoch, its wall clock); 0 from a peer that does not say.</summary>
    public long SentUs { get; init; }

    /// <summary>Set by the gateway on receipt: from <see cref="SentUs"/> to the reply's arrival there (µs); 0 when unknown.</summary>
    [JsonIgnore]
    public long ReturnUs { get; init; }
}

/// <summary>An inference result on <c>…/results/{gateway}</c> (schema: docs/results-schema.md).</summary>
public sealed record InferenceResult
{
    /// <summary>Schema version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The gateway that made the request.</summary>
    public required string Gateway { get; init; }

    /// <summary>The conversation (the frame's session id; JSON <c>session</c>, kept for compatibility).</summary>
    [JsonPropertyName("session")]
    public required Guid Conversation { get; init; }

    /// <summary>The request id (unique per gateway).</summary>
    public required ulong Request { get; init; }

    /// <summary>The step (0 = prefill).</summary>
    public required uint Step { get; init; }

    /// <summary>Tokens generated so far, this step's last.</summary>
    public required IReadOnlyList<long> Tokens { get; init; }

    /// <summary>Top-k tokens of this step with probabilities.</summary>
    public required IReadOnlyList<TokenProbability> TopK { get; init; }

    /// <summary>True when the request is complete (stop token or token limit).</summary>
    public bool Final { get; init; }

    /// <summary>The plan epoch the step ran under.</summary>
    public uint PlanEpoch { get; init; }

    /// <summary>The model id (manifest hash, hex).</summary>
    public required string ModelId { get; init; }

    /// <summary>Per-stage timings, gateway first.</summary>
    public required IReadOnlyList<StageTiming> Stages { get; init; }

    /// <summary>Time on the wire: the step's round trip at the gateway minus the time spent in the stages.</summary>
    public long WireUs { get; init; }

    /// <summary>The step's round trip at the gateway.</summary>
    public long StepUs { get; init; }

    /// <summary>The sensor windows the request was made from (time range, streams); absent for a request from a prompt.</summary>
    public RequestWindow? Window { get; init; }

    /// <summary>The id the request's sender gave it on <c>requests/{gateway}</c>; absent for other requests.</summary>
    public string? Id { get; init; }

    /// <summary>Why the request failed (set only on the gateway's error result, which is final and has no tokens).</summary>
    public string? Error { get; init; }
}

/// <summary>Source-generated JSON for the role messages (NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StepReply))]
[JsonSerializable(typeof(InferenceResult))]
[JsonSerializable(typeof(List<StageTiming>))]
[JsonSerializable(typeof(RequestWindow))]
public sealed partial class RoleJsonContext : JsonSerializerContext;
