using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;

namespace EdgeLam.Orchestration.Capacity;

/// <summary>
/// Turns a capacity snapshot (every node's <see cref="NodeCapacity"/>) into the planner's problem by way of the same
/// <see cref="SiteScenario"/> a what-if file describes, so the live site and <c>plan simulate</c> are checked and mapped
/// by one path (<see cref="ScenarioProblemBuilder"/>). Pure: no I/O, no clock.
/// </summary>
public static class CapacityProblemBuilder
{
    /// <summary>
    /// The scenario of the usable nodes: online, with a compute figure and a memory figure (the others are in
    /// <paramref name="leftOut"/>). A node's memory is what is available now plus the weights it hosts now. The links
    /// are priced by <see cref="LinkPricing"/>: from the hops of real frames where there were any, else from probes.
    /// </summary>
    public static SiteScenario Scenario(
        IEnumerable<NodeCapacity> nodes,
        ScenarioConstraints? constraints,
        ScenarioObjective? objective,
        out IReadOnlyList<LeftOutNode> leftOut)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var left = new List<LeftOutNode>();
        leftOut = left;
        var usable = new List<NodeCapacity>();
        foreach (var n in nodes.OrderBy(n => n.Id, StringComparer.Ordinal))
        {
            var reason = !n.Online ? "offline"
                : n.DecodeMsPerUnit is null ? "no decode compute figure yet"
                : n.MemoryAvailableBytes is null ? "no memory figure"
                : null;
            if (reason is null)
            {
                usable.Add(n);
            }
            else
            {
                left.Add(new LeftOutNode(n.Id, reason));
            }
        }

        return new SiteScenario
        {
            Nodes =
            [
                .. usable.Select(n => new ScenarioNode
                {
                    Id = n.Id,
                    Gateway = n.Gateway,
                    DecodeMsPerUnit = n.DecodeMsPerUnit,
                    PrefillMsPerPositionPerUnit = n.PrefillMsPerPositionPerUnit,
                    MemoryBytes = n.MemoryAvailableBytes + Math.Max(0, n.HostedWeightBytes),
                }),
            ],
            Links = [.. LinkPricing.Links(usable)],
            Constraints = constraints,
            Objective = objective,
        };
    }

    /// <summary>The planning problem of the snapshot, or null with the problems (as <see cref="ScenarioProblemBuilder.Build"/>).</summary>
    public static PlanningProblem? Build(
        IEnumerable<NodeCapacity> nodes,
        CostTable costs,
        ScenarioConstraints? constraints,
        ScenarioObjective? objective,
        out IReadOnlyList<ScenarioProblem> problems,
        out IReadOnlyList<LeftOutNode> leftOut) =>
        ScenarioProblemBuilder.Build(Scenario(nodes, constraints, objective, out leftOut), costs, out problems);
}
