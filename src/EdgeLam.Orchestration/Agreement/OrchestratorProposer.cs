using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Agreement;

/// <summary>
/// Orchestrator side of the agreement (pure): numbers its proposals above every epoch it has seen (the retained plan
/// and any acks), so a new orchestrator's first plan supersedes the old one's, and the same incarnation never
/// reuses a number.
/// </summary>
/// <param name="self">This node's id.</param>
/// <param name="incarnation">Random value drawn at start; distinguishes this run from earlier runs of the same node.</param>
public sealed class OrchestratorProposer(string self, ulong incarnation)
{
    private long _highestSeen;

    /// <summary>The highest epoch number seen so far.</summary>
    public long HighestSeen => _highestSeen;

    /// <summary>Notes an epoch seen on the broker (retained plan, an ack).</summary>
    public void Observe(PlanEpoch epoch) => _highestSeen = Math.Max(_highestSeen, epoch.Number);

    /// <summary>A new plan whose epoch is greater than every epoch seen.</summary>
    public AgreedPlan Propose(
        string model, IReadOnlyList<PlanAssignment> assignments, IReadOnlyList<PlanningNode> capacities, long nowMs)
    {
        _highestSeen++;
        return new AgreedPlan(new PlanEpoch(_highestSeen, self, incarnation), model, assignments, capacities, nowMs);
    }

    /// <summary>The assignments of a planner's plan, each stage sized by the problem's cost table.</summary>
    public static IReadOnlyList<PlanAssignment> AssignmentsOf(PipelinePlan plan, Func<PlanStage, long> memoryOf) =>
        [.. plan.GatewayStages.Concat(plan.PeerStages).Select(s => new PlanAssignment(
            s.Node,
            s.FirstBlock,
            s.EndBlock,
            s.Embedding,
            s.Head,
            s.CodecToNext is { } c ? EdgeLam.Wire.Codecs.WireCodecNames.Name(c) : null,
            memoryOf(s)))];
}
