using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Agreement;

/// <summary>One node's part of an agreed plan: blocks [FirstBlock, EndBlock) and the memory the orchestrator sized it at.</summary>
/// <param name="Node">Node id.</param>
/// <param name="FirstBlock">First block hosted.</param>
/// <param name="EndBlock">One past the last block hosted.</param>
/// <param name="Embedding">The stage runs the embedding (a gateway's first stage).</param>
/// <param name="Head">The stage runs the head (the chain's last stage).</param>
/// <param name="CodecToNext">Codec name of the cut after this stage (docs/protocol.md); null for the last stage.</param>
/// <param name="MemoryBytes">Weights and KV cache the stage needs, as the orchestrator computed it.</param>
public sealed record PlanAssignment(
    string Node, int FirstBlock, int EndBlock, bool Embedding, bool Head, string? CodecToNext, long MemoryBytes);

/// <summary>The two phases of a plan on the retained <c>plan</c> topic (docs/orchestration.md, "Agreement and re-split").</summary>
public enum PlanPhase
{
    /// <summary>Nodes load their part beside the running layout and acknowledge (or refuse) it.</summary>
    Prepare,

    /// <summary>Every node of the plan acknowledged "prepared": new requests use the plan's epoch.</summary>
    Commit,
}

/// <summary>
/// The plan an orchestrator publishes (retained) for one model: its epoch, its phase, every node's assignment and the
/// capacity snapshot it was computed from. The one message type of the <c>plan</c> topic.
/// </summary>
/// <param name="Epoch">Strictly increasing per proposal; carries the orchestrator's identity.</param>
/// <param name="Model">Model id the plan is for.</param>
/// <param name="Assignments">Every stage of every chain (gateway stages first, then the peer chain in order).</param>
/// <param name="Capacities">The capacity snapshot the planner used.</param>
/// <param name="IssuedAtMs">Orchestrator's clock when it proposed (informational only; never used for ordering).</param>
/// <param name="Phase">Prepare (load and acknowledge) or commit (switch new requests to it).</param>
/// <param name="Lost">Nodes of the plan in force that went offline: their conversations move at once on commit.</param>
/// <param name="Links">The measured links the planner used (with <paramref name="Capacities"/>, the whole snapshot).</param>
/// <param name="Predicted">The planner's prediction per gateway; a gateway compares it with the older epoch's to move or finish its conversations.</param>
public sealed record AgreedPlan(
    PlanEpoch Epoch,
    string Model,
    IReadOnlyList<PlanAssignment> Assignments,
    IReadOnlyList<PlanningNode> Capacities,
    long IssuedAtMs,
    PlanPhase Phase = PlanPhase.Prepare,
    IReadOnlyList<string>? Lost = null,
    IReadOnlyList<NodeLink>? Links = null,
    IReadOnlyList<GatewayPrediction>? Predicted = null)
{
    /// <summary>The orchestrator that proposed the plan.</summary>
    public string Orchestrator => Epoch.Orchestrator;

    /// <summary>The stages <paramref name="node"/> hosts (empty when it takes no part).</summary>
    public IEnumerable<PlanAssignment> StagesOf(string node) => Assignments.Where(a => a.Node == node);

    /// <summary>The nodes that take part (each must acknowledge before the plan commits), in plan order.</summary>
    public IEnumerable<string> NodeIds() => Assignments.Select(a => a.Node).Distinct(StringComparer.Ordinal);

    /// <summary>The same stages on the same nodes with the same codecs (epoch, phase and capacities aside).</summary>
    public bool SameSplit(AgreedPlan other) =>
        other is not null && Assignments.Select(Split).SequenceEqual(other.Assignments.Select(Split));

    private static (string, int, int, bool, bool, string?) Split(PlanAssignment a) =>
        (a.Node, a.FirstBlock, a.EndBlock, a.Embedding, a.Head, a.CodecToNext);
}

/// <summary>What the planner predicts one gateway's conversations pay on a plan, end to end.</summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="DecodeStepMs">One decode step.</param>
/// <param name="PrefillMsPerPosition">Prefill time per prompt position.</param>
/// <param name="PrefillFixedMs">Prefill time that does not grow with the positions (overheads, hops, the return).</param>
public sealed record GatewayPrediction(string Gateway, double DecodeStepMs, double PrefillMsPerPosition, double PrefillFixedMs);
