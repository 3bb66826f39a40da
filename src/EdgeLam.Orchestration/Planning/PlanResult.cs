using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Planning;

/// <summary>
/// A split: every gateway runs its own first stage (embedding and blocks [0, <see cref="GatewayEnd"/>)), then the
/// shared peer chain runs the rest, the last stage with the head. With no peers each gateway runs the whole model.
/// </summary>
/// <param name="GatewayStages">One stage per gateway (in problem order), each with the codec of its cut to the first peer.</param>
/// <param name="PeerStages">The shared peer chain in order; each stage's codec is for the cut to the next stage.</param>
/// <param name="Latencies">Predicted latencies per gateway.</param>
/// <param name="Cost">The objective value: request-weighted mean of decode + weight × prefill.</param>
public sealed record PipelinePlan(
    IReadOnlyList<PlanStage> GatewayStages,
    IReadOnlyList<PlanStage> PeerStages,
    IReadOnlyList<GatewayLatency> Latencies,
    double Cost)
{
    /// <summary>Boundary where the gateways hand over to the peers (L when there are none).</summary>
    public int GatewayEnd => GatewayStages[0].EndBlock;

    /// <summary>Worst predicted decode step over the gateways.</summary>
    public double DecodeStepMs => Latencies.Max(l => l.DecodeStepMs);

    /// <summary>Worst predicted prefill over the gateways.</summary>
    public double PrefillMs => Latencies.Max(l => l.PrefillMs);

    /// <summary>The chain one gateway's requests take: its own stage, then the peers.</summary>
    public IReadOnlyList<PlanStage> ChainOf(string gateway) =>
        [.. GatewayStages.Where(s => s.Node == gateway), .. PeerStages];

    /// <summary>"gw[0,4) -fp16-> a[4,10) -raw-> b[10,12)+head".</summary>
    public override string ToString() =>
        string.Join(" | ", GatewayStages.Select(g => string.Join(" ", ChainOf(g.Node))));
}

/// <summary>One node's part of a chain: blocks [FirstBlock, EndBlock), plus the embedding and/or the head.</summary>
/// <param name="CodecToNext">Codec of the cut after this stage; null for the last stage.</param>
public sealed record PlanStage(string Node, int FirstBlock, int EndBlock, bool Embedding, bool Head, WireCodec? CodecToNext)
{
    public override string ToString() =>
        $"{Node}[{FirstBlock},{EndBlock}){(Head ? "+head" : string.Empty)}"
        + (CodecToNext is { } c ? $" -{WireCodecNames.Name(c)}->" : string.Empty);
}

/// <summary>Predicted latencies of one gateway's chain.</summary>
public sealed record GatewayLatency(string Gateway, double DecodeStepMs, double PrefillMs);

/// <summary>
/// The planner's answer: the optimum of the cost model and the best plan of each other node set, or why no plan
/// exists. When only the latency target is missed, <see cref="Best"/> is still the optimum and
/// <see cref="Infeasibility"/> says by how much.
/// </summary>
public sealed record PlanResult(PipelinePlan? Best, IReadOnlyList<PipelinePlan> Alternatives, Infeasibility? Infeasibility)
{
    /// <summary>A plan exists and meets every constraint.</summary>
    public bool IsFeasible => Best is not null && Infeasibility is null;
}

/// <summary>Which constraint made planning fail.</summary>
public enum InfeasibilityKind
{
    /// <summary>The problem itself is malformed (see the message).</summary>
    InvalidProblem,

    /// <summary>A gateway cannot hold the embedding and the first p blocks.</summary>
    PrivacyFloor,

    /// <summary>The gateway cannot hold the rest of the model and no eligible peer is linked both ways to every gateway.</summary>
    NoPeerReachable,

    /// <summary>One block (with its KV cache) fits on no node that could host it.</summary>
    BlockFitsNowhere,

    /// <summary>All usable nodes together hold less than the model needs.</summary>
    Memory,

    /// <summary>No allowed codec at any boundary where the gateway could hand over.</summary>
    NoUsableCut,

    /// <summary>Each part fits somewhere, but no chain over the links and allowed cuts fits every node's memory.</summary>
    NoFeasibleChain,

    /// <summary>The optimum misses the QoS class's decode-step target.</summary>
    LatencyTarget,
}

/// <summary>Why no plan satisfies the constraints.</summary>
/// <param name="Node">The node concerned, if one.</param>
/// <param name="Needed">Bytes (or for <see cref="InfeasibilityKind.LatencyTarget"/>, milliseconds) needed.</param>
/// <param name="Available">Bytes (or milliseconds) available.</param>
public sealed record Infeasibility(InfeasibilityKind Kind, string Message, string? Node = null, double Needed = 0, double Available = 0)
{
    public override string ToString() => $"{Kind}: {Message}";
}
