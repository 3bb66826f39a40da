namespace EdgeLam.Orchestration.Agreement;

/// <summary>What a node does about a plan message, in this order: abandon, prepare, acknowledge, commit.</summary>
/// <param name="Abandon">A prepared plan that was never committed and is superseded: drop its layout.</param>
/// <param name="Prepare">Load this node's part of the plan beside the running layout, then report <see cref="PlanFollower.Prepared"/> or <see cref="PlanFollower.PrepareFailed"/>.</param>
/// <param name="Ack">The answer to publish on the node's ack topic.</param>
/// <param name="Commit">
/// Switch new requests to this plan's epoch (after <paramref name="Prepare"/> when both are set); also set for a plan
/// that gives this node no stage, so the node's older layouts finish and are released.
/// </param>
public sealed record FollowerStep(AgreedPlan? Abandon = null, AgreedPlan? Prepare = null, PlanAck? Ack = null, AgreedPlan? Commit = null)
{
    /// <summary>Nothing to do.</summary>
    public static FollowerStep None { get; } = new();
}

/// <summary>
/// Node side of the two-phase re-split (pure): <see cref="NodePlanGuard"/> checks and fences each plan by epoch
/// number; an accepted plan is prepared (the node's part loaded beside the running one) before the node acknowledges
/// it, and committed only when the orchestrator publishes the commit phase of that exact epoch. A plan that arrives
/// already committed with a higher number (a node that started late) is prepared and committed at once.
/// </summary>
public sealed class PlanFollower(NodeLimits limits)
{
    private readonly NodePlanGuard _guard = new(limits);
    private PlanEpoch? _prepared;
    private PlanAck? _failed;
    private bool _commitAfterPrepare;

    /// <summary>The plan held (accepted, being prepared or prepared); null before the first.</summary>
    public AgreedPlan? Held => _guard.Held;

    /// <summary>The plan this node runs new requests on (committed); null before the first commit.</summary>
    public AgreedPlan? Committed { get; private set; }

    /// <summary>This node's answer to a plan message.</summary>
    public FollowerStep Receive(AgreedPlan plan)
    {
        var held = _guard.Held;
        if (held is not null && plan.Epoch == held.Epoch)
        {
            return plan.Phase == PlanPhase.Commit ? CommitHeld(held) : Repeat(held);
        }

        if (plan.Phase == PlanPhase.Commit && plan.Epoch.Number <= _guard.HeldEpoch.Number)
        {
            return FollowerStep.None; // the commit of a plan this node refused or that was superseded
        }

        var previous = held;
        var ack = _guard.Receive(plan);
        if (!ack.Accepted)
        {
            return plan.Phase == PlanPhase.Commit ? FollowerStep.None : new FollowerStep(Ack: ack);
        }

        var abandon = previous is not null && _prepared == previous.Epoch && Committed?.Epoch != previous.Epoch ? previous : null;
        _prepared = null;
        _failed = null;
        _commitAfterPrepare = plan.Phase == PlanPhase.Commit;
        if (!plan.StagesOf(limits.Node).Any())
        {
            _prepared = plan.Epoch; // nothing to load: held by number only
            var committed = plan.Phase == PlanPhase.Commit;
            Committed = committed ? plan : Committed;
            return new FollowerStep(abandon, Ack: ack, Commit: committed ? plan : null); // a commit releases its older layouts
        }

        return new FollowerStep(abandon, Prepare: plan);
    }

    /// <summary>The node's part of the held plan is loaded: acknowledge it (and commit it when it arrived committed).</summary>
    public FollowerStep Prepared(PlanEpoch epoch)
    {
        if (_guard.Held is not { } held || held.Epoch != epoch)
        {
            return FollowerStep.None;
        }

        _prepared = epoch;
        var ack = new PlanAck(limits.Node, epoch, Accepted: true, epoch);
        if (_commitAfterPrepare)
        {
            _commitAfterPrepare = false;
            Committed = held;
            return new FollowerStep(Ack: ack, Commit: held);
        }

        return new FollowerStep(Ack: ack);
    }

    /// <summary>The node could not load its part: refuse (the number stays held, so no other plan of it is taken).</summary>
    public FollowerStep PrepareFailed(PlanEpoch epoch, string detail)
    {
        if (_guard.Held is not { } held || held.Epoch != epoch)
        {
            return FollowerStep.None;
        }

        _commitAfterPrepare = false;
        _failed = _guard.PrepareFailed(held, detail);
        return new FollowerStep(Ack: _failed);
    }

    private FollowerStep CommitHeld(AgreedPlan held)
    {
        if (Committed?.Epoch == held.Epoch)
        {
            return FollowerStep.None;
        }

        if (_prepared != held.Epoch)
        {
            _commitAfterPrepare = _failed is null; // still loading: commit once prepared
            return FollowerStep.None;
        }

        Committed = held;
        return new FollowerStep(Commit: held); // also without a stage here: the node's older layouts finish and are released
    }

    private FollowerStep Repeat(AgreedPlan held) =>
        _failed is not null ? new FollowerStep(Ack: _failed)
        : _prepared == held.Epoch ? new FollowerStep(Ack: new PlanAck(limits.Node, held.Epoch, Accepted: true, held.Epoch))
        : FollowerStep.None; // still preparing
}
