namespace EdgeLam.Orchestration.Agreement;

/// <summary>Why a node refused a plan.</summary>
public enum PlanRefusalReason
{
    /// <summary>The plan's epoch is not greater than the one the node holds (a stale or tied orchestrator).</summary>
    StaleEpoch,

    /// <summary>The node's stages need more memory than the node can give the model.</summary>
    InsufficientMemory,

    /// <summary>A gateway's stage does not keep the embedding and blocks [0, privacy floor) on the gateway.</summary>
    PrivacyFloorViolated,

    /// <summary>The plan is for another model than the node serves.</summary>
    WrongModel,

    /// <summary>The node could not load its part of the plan (model files, memory at load time).</summary>
    PrepareFailed,
}

/// <summary>A node's answer to a plan, published on the node's own ack topic.</summary>
/// <param name="Node">The answering node.</param>
/// <param name="Epoch">The plan's epoch the answer is about.</param>
/// <param name="Accepted">True: the node holds this plan now and has prepared its part (loaded beside the running one).</param>
/// <param name="Held">The epoch the node holds after answering (an orchestrator numbers its next proposal above it).</param>
/// <param name="Reason">Why it refused; null when accepted.</param>
/// <param name="Detail">Human-readable figures behind a refusal.</param>
/// <param name="MemoryAvailableBytes">With <see cref="PlanRefusalReason.InsufficientMemory"/>: what the node can give the model.</param>
public sealed record PlanAck(
    string Node,
    PlanEpoch Epoch,
    bool Accepted,
    PlanEpoch Held,
    PlanRefusalReason? Reason = null,
    string? Detail = null,
    long? MemoryAvailableBytes = null);
