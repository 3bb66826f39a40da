using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Agreement;

/// <summary>Why the orchestrator proposes a new split.</summary>
public enum ResplitReason
{
    /// <summary>A node came online (or the site has no plan in force yet) and the best plan uses it.</summary>
    NodeJoined,

    /// <summary>A node of the plan in force went offline (its status, or its last will).</summary>
    NodeLeft,

    /// <summary>Measured capacities predict a faster decode step by at least the gain threshold, for the hold time.</summary>
    CapacityGain,

    /// <summary>The plan in force no longer fits a node's memory, or a node refused a plan for lack of memory.</summary>
    MemoryPressure,

    /// <summary>The measured decode step stayed above the QoS target for the hold time.</summary>
    QosBreach,
}

/// <summary>What the orchestrator decided; the daemon publishes and logs it.</summary>
public abstract record OrchestratorDecision;

/// <summary>Publish <paramref name="Plan"/> (phase prepare, retained) and collect the acks.</summary>
/// <param name="Plan">The new plan.</param>
/// <param name="Reason">Why.</param>
/// <param name="OldStepMs">The plan in force's decode step predicted under the same capacities (null without one).</param>
/// <param name="NewStepMs">The new plan's predicted decode step.</param>
public sealed record ProposePlan(AgreedPlan Plan, ResplitReason Reason, double? OldStepMs, double NewStepMs) : OrchestratorDecision
{
    /// <summary>Predicted gain: the fraction of the old decode step the new plan saves (null without an old plan).</summary>
    public double? PredictedGain => OldStepMs is { } old && old > 0 ? (old - NewStepMs) / old : null;
}

/// <summary>Every node of <paramref name="Plan"/> acknowledged it prepared: publish it with phase commit (retained).</summary>
public sealed record CommitPlan(AgreedPlan Plan, ResplitReason Reason) : OrchestratorDecision;

/// <summary>The proposal is given up (a refusal, a silent node, a node that left); a new one may follow.</summary>
/// <param name="Plan">The abandoned proposal.</param>
/// <param name="Why">The refusal's reason and detail, or the timeout, in words.</param>
/// <param name="Nodes">The nodes that refused or stayed silent.</param>
public sealed record AbandonPlan(AgreedPlan Plan, string Why, IReadOnlyList<string> Nodes) : OrchestratorDecision;

/// <summary>No plan satisfies the constraints for the usable nodes (reported once per distinct reason).</summary>
public sealed record NoPlan(Infeasibility Infeasibility, IReadOnlyList<string> LeftOut) : OrchestratorDecision;

/// <summary>
/// The realized gain of a committed re-split: the measured decode step before the commit and a hold time after it,
/// beside the prediction.
/// </summary>
public sealed record RealizedGain(PlanEpoch Epoch, ResplitReason Reason, double BeforeMs, double AfterMs, double? PredictedGain)
    : OrchestratorDecision
{
    /// <summary>The fraction of the old measured step the new plan saved (negative: it got slower).</summary>
    public double Gain => BeforeMs > 0 ? (BeforeMs - AfterMs) / BeforeMs : 0;
}
