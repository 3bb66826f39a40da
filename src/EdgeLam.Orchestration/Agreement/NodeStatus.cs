namespace EdgeLam.Orchestration.Agreement;

/// <summary>A node as the agreement sees it from its retained status (and last will).</summary>
/// <param name="Id">Node id.</param>
/// <param name="Online">The node's retained status is online (its last will sets it offline).</param>
/// <param name="Eligible">The node may act as orchestrator (configuration: <c>Orchestration:Eligible</c>).</param>
/// <param name="Gateway">The node takes requests (role gateway).</param>
public sealed record NodeStatus(string Id, bool Online, bool Eligible, bool Gateway = false);

/// <summary>Deterministic orchestrator election: every node with the same view elects the same orchestrator.</summary>
public static class OrchestratorElection
{
    /// <summary>
    /// The orchestrator: the eligible online node with the lowest id (ordinal). Null when none is eligible and online.
    /// When the orchestrator's status goes offline (last will), the next lowest takes over.
    /// </summary>
    public static string? Elect(IEnumerable<NodeStatus> view)
    {
        string? best = null;
        foreach (var node in view)
        {
            if (node.Online && node.Eligible && (best is null || string.CompareOrdinal(node.Id, best) < 0))
            {
                best = node.Id;
            }
        }

        return best;
    }
}
