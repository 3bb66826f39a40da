namespace EdgeLam.Orchestration.Agreement;

/// <summary>What a node checks a plan against: its own limits, never the orchestrator's view of them.</summary>
/// <param name="Node">This node's id.</param>
/// <param name="Model">Model the node serves.</param>
/// <param name="MemoryAvailableBytes">Memory this node can give the model.</param>
/// <param name="IsGateway">This node takes requests, so the privacy floor applies to its stage.</param>
/// <param name="PrivacyFloor">A gateway keeps the embedding and blocks [0, floor) itself.</param>
public sealed record NodeLimits(string Node, string Model, long MemoryAvailableBytes, bool IsGateway, int PrivacyFloor);

/// <summary>
/// Node side of the agreement (pure): checks each plan against the node's limits and fences by epoch number. A node
/// accepts a plan only when its epoch <em>number</em> is strictly greater than the number it holds: frames carry only
/// the number, so a node never holds two plans of one number (two orchestrators that both issue number n can never
/// both get this node's ack), and never moves back. A duplicate of the held plan is answered with the same ack again.
/// </summary>
public sealed class NodePlanGuard(NodeLimits limits)
{
    /// <summary>The plan the node holds (and would run); null before the first accepted plan.</summary>
    public AgreedPlan? Held { get; private set; }

    /// <summary>The epoch of the held plan, or <see cref="PlanEpoch.None"/>.</summary>
    public PlanEpoch HeldEpoch => Held?.Epoch ?? PlanEpoch.None;

    /// <summary>Checks a received plan and answers it; the plan becomes held when accepted.</summary>
    public PlanAck Receive(AgreedPlan plan)
    {
        if (Held is { } held && plan.Epoch == held.Epoch)
        {
            return new PlanAck(limits.Node, plan.Epoch, Accepted: true, HeldEpoch);
        }

        if (plan.Epoch.Number <= HeldEpoch.Number)
        {
            return Refuse(plan, PlanRefusalReason.StaleEpoch, $"holds {HeldEpoch}, got {plan.Epoch}");
        }

        if (!string.Equals(plan.Model, limits.Model, StringComparison.Ordinal))
        {
            return Refuse(plan, PlanRefusalReason.WrongModel, $"serves {limits.Model}, plan is for {plan.Model}");
        }

        long memory = 0;
        foreach (var stage in plan.StagesOf(limits.Node))
        {
            memory += stage.MemoryBytes;
            if (limits.IsGateway && (!stage.Embedding || stage.FirstBlock != 0 || stage.EndBlock < limits.PrivacyFloor))
            {
                return Refuse(
                    plan,
                    PlanRefusalReason.PrivacyFloorViolated,
                    $"stage [{stage.FirstBlock},{stage.EndBlock}) embedding={stage.Embedding}, floor {limits.PrivacyFloor}");
            }
        }

        if (memory > limits.MemoryAvailableBytes)
        {
            return Refuse(plan, PlanRefusalReason.InsufficientMemory, $"needs {memory} B, has {limits.MemoryAvailableBytes} B") with
            {
                MemoryAvailableBytes = limits.MemoryAvailableBytes,
            };
        }

        Held = plan;
        return new PlanAck(limits.Node, plan.Epoch, Accepted: true, HeldEpoch);
    }

    /// <summary>The node could not load its part of the held plan: the refusal to send (the number stays held, so no other plan of it is taken).</summary>
    public PlanAck PrepareFailed(AgreedPlan plan, string detail) => Refuse(plan, PlanRefusalReason.PrepareFailed, detail);

    private PlanAck Refuse(AgreedPlan plan, PlanRefusalReason reason, string detail) =>
        new(limits.Node, plan.Epoch, Accepted: false, HeldEpoch, reason, detail);
}
