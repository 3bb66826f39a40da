namespace EdgeLam.Orchestration.Planning;

/// <summary>
/// One node as the planner sees it, from its capacity message. Compute is linear in the model's compute units:
/// a stage of U units takes <c>StepOverheadMs + DecodeMsPerUnit · U</c> per decode step and
/// <c>StepOverheadMs + PrefillMsPerPositionPerUnit · P · U</c> for a prefill of P positions, both multiplied by the
/// node's load (<see cref="LoadFactor"/> × the request weight it serves).
/// </summary>
/// <param name="Id">Node id (unique).</param>
/// <param name="IsGateway">The node takes requests: it hosts the embedding and the first blocks of its chain.</param>
/// <param name="EligibleAsPeer">A non-gateway node may host a range of blocks for the gateways.</param>
/// <param name="DecodeMsPerUnit">Milliseconds per compute unit for one decode position.</param>
/// <param name="PrefillMsPerPositionPerUnit">Milliseconds per compute unit per position of a prefill.</param>
/// <param name="MemoryAvailableBytes">Memory the node can give this model (weights and KV cache).</param>
/// <param name="LoadFactor">Slow-down from other work (1 = idle; 2 = every step takes twice as long).</param>
/// <param name="StepOverheadMs">Fixed milliseconds per step for hosting a stage at all (session run, framing).</param>
/// <param name="RequestWeight">
/// For a gateway: the concurrent decode streams it feeds (default 1). A peer's load is multiplied by the sum over the
/// gateways, a gateway's own by its weight; the objective weights each gateway's latency by it.
/// </param>
public sealed record PlanningNode(
    string Id,
    bool IsGateway,
    bool EligibleAsPeer,
    double DecodeMsPerUnit,
    double PrefillMsPerPositionPerUnit,
    long MemoryAvailableBytes,
    double LoadFactor = 1,
    double StepOverheadMs = 0,
    double RequestWeight = 1);

/// <summary>A directed link measured by its sending node over the broker.</summary>
/// <param name="From">Sending node id.</param>
/// <param name="To">Receiving node id.</param>
/// <param name="RoundTripMs">Round trip of a small probe; half of it is the one-way latency.</param>
/// <param name="BytesPerSecond">Throughput from <paramref name="From"/> to <paramref name="To"/>.</param>
public sealed record NodeLink(string From, string To, double RoundTripMs, double BytesPerSecond);
