namespace EdgeLam.Orchestration.Simulation;

/// <summary>
/// A what-if site for <c>edgelam plan simulate</c>, as written in a JSON file: the nodes with their capacity, the links
/// between them, the constraints and the objective. The model's costs come from the model itself.
/// </summary>
public sealed record SiteScenario
{
    public IReadOnlyList<ScenarioNode>? Nodes { get; init; }

    /// <summary>Directed links; a pair not listed uses <see cref="DefaultLink"/>, or cannot talk when that is absent.</summary>
    public IReadOnlyList<ScenarioLink>? Links { get; init; }

    /// <summary>The link every pair of nodes has unless <see cref="Links"/> names it (both directions).</summary>
    public ScenarioLinkQuality? DefaultLink { get; init; }

    public ScenarioConstraints? Constraints { get; init; }

    public ScenarioObjective? Objective { get; init; }

    /// <summary>Milliseconds per wire byte to encode and decode each codec, by codec name (raw, fp16, bf16, int8).</summary>
    public IReadOnlyDictionary<string, double>? CodecMsPerByte { get; init; }

    /// <summary>How many alternatives (best plan of each other node set) to show besides the best; default 4.</summary>
    public int? Alternatives { get; init; }
}

/// <summary>
/// One node. Compute is given either per the model's compute unit (<see cref="DecodeMsPerUnit"/>, as the planner
/// and the capacity message use it) or as an effective rate (<see cref="DecodeGflops"/>: 10⁹ units per second).
/// </summary>
public sealed record ScenarioNode
{
    public string? Id { get; init; }

    /// <summary>The node takes requests and hosts the embedding and the first blocks of its chain.</summary>
    public bool Gateway { get; init; }

    /// <summary>A non-gateway node may host blocks; default true.</summary>
    public bool? Peer { get; init; }

    public double? DecodeMsPerUnit { get; init; }

    public double? DecodeGflops { get; init; }

    public double? PrefillMsPerPositionPerUnit { get; init; }

    public double? PrefillGflops { get; init; }

    /// <summary>Memory the node can give the model (weights and KV cache), bytes.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>Slow-down from other work: 1 idle, 2 every step twice as long; default 1.</summary>
    public double? LoadFactor { get; init; }

    public double? StepOverheadMs { get; init; }

    /// <summary>For a gateway: the concurrent decode streams it feeds; default 1.</summary>
    public double? RequestWeight { get; init; }
}

/// <summary>A directed link from one node to another.</summary>
public sealed record ScenarioLink
{
    public string? From { get; init; }

    public string? To { get; init; }

    public double? RoundTripMs { get; init; }

    public double? BytesPerSecond { get; init; }
}

/// <summary>Round trip and throughput of a link.</summary>
public sealed record ScenarioLinkQuality
{
    public double? RoundTripMs { get; init; }

    public double? BytesPerSecond { get; init; }
}

/// <summary>Hard limits; see <see cref="Planning.PlanningConstraints"/>.</summary>
public sealed record ScenarioConstraints
{
    public int? PrivacyFloor { get; init; }

    public int? ContextLimit { get; init; }

    public int? SessionsPerGateway { get; init; }

    /// <summary>Codec names allowed at every cut (raw, fp16, bf16, int8); default all.</summary>
    public IReadOnlyList<string>? Codecs { get; init; }

    public double? DecodeStepTargetMs { get; init; }
}

/// <summary>What the planner minimizes; see <see cref="Planning.PlanningObjective"/>.</summary>
public sealed record ScenarioObjective
{
    public double? PrefillWeight { get; init; }

    public int? PromptLength { get; init; }
}

/// <summary>One thing wrong with a scenario: the JSON path of the value and what is wrong with it.</summary>
public sealed record ScenarioProblem(string Key, string Message)
{
    public override string ToString() => $"{Key}: {Message}";
}
