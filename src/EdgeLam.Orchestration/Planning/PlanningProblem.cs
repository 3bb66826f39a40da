using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Planning;

/// <summary>Everything the planner needs: the model's costs, the nodes, the links between them, the constraints and the objective.</summary>
public sealed record PlanningProblem
{
    /// <summary>Most nodes (gateways and peers together) one problem may name.</summary>
    public const int MaxNodes = 8;

    /// <summary>Most blocks one model may have.</summary>
    public const int MaxBlocks = 512;

    public required CostTable Costs { get; init; }

    public required IReadOnlyList<PlanningNode> Nodes { get; init; }

    /// <summary>Directed links; a missing link means the pair cannot talk.</summary>
    public IReadOnlyList<NodeLink> Links { get; init; } = [];

    public PlanningConstraints Constraints { get; init; } = new();

    public PlanningObjective Objective { get; init; } = new();

    /// <summary>
    /// Milliseconds per wire byte to encode and decode a codec (sender and receiver together); codecs not named cost 0.
    /// </summary>
    public IReadOnlyDictionary<WireCodec, double> CodecMsPerByte { get; init; } = new Dictionary<WireCodec, double>();

    /// <summary>How many alternatives (best plan of each other node set) to return besides the best.</summary>
    public int AlternativeCount { get; init; } = DefaultAlternativeCount;

    /// <summary>Default of <see cref="AlternativeCount"/>.</summary>
    public const int DefaultAlternativeCount = 4;
}

/// <summary>Hard limits every plan must keep.</summary>
public sealed record PlanningConstraints
{
    /// <summary>Privacy floor p: every gateway hosts the embedding and blocks [0, c) with c ≥ p.</summary>
    public int PrivacyFloor { get; init; }

    /// <summary>Context positions each session may reach (sizes the KV cache).</summary>
    public int ContextLimit { get; init; } = 2048;

    /// <summary>Sessions each gateway serves at once; a peer holds KV for the sessions of every gateway.</summary>
    public int SessionsPerGateway { get; init; } = 1;

    /// <summary>Codecs allowed at every cut (default all four).</summary>
    public IReadOnlyList<WireCodec> AllowedCodecs { get; init; } =
        [WireCodec.Raw, WireCodec.Float16, WireCodec.BFloat16, WireCodec.Int8Block32];

    /// <summary>Per-boundary overrides of <see cref="AllowedCodecs"/> (an empty list forbids cutting there).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<WireCodec>> CutCodecs { get; init; } =
        new Dictionary<int, IReadOnlyList<WireCodec>>();

    /// <summary>
    /// Every gateway hands over at least one block to a peer chain: no plan has the gateways run the whole model
    /// alone or every block with only the head on a peer (gateways that leave the last block and the head to peers,
    /// as <c>edgelam run</c>'s do). Default false.
    /// </summary>
    public bool PeerRequired { get; init; }

    /// <summary>QoS class target: the worst gateway's predicted decode step must not exceed it.</summary>
    public double? DecodeStepTargetMs { get; init; }
}

/// <summary>
/// What the planner minimizes per gateway: decode-step latency + <see cref="PrefillWeight"/> × prefill latency of a
/// prompt of <see cref="PromptLength"/> positions; over gateways, the request-weighted mean.
/// </summary>
public sealed record PlanningObjective
{
    public double PrefillWeight { get; init; }

    public int PromptLength { get; init; } = 128;
}
