using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Agreement;

/// <summary>
/// The orchestrator's bridge between capacities, the planner and agreed plans (pure): the planning problem of a
/// capacity snapshot, the assignments of a planner's plan, and the price of an agreed plan under new capacities.
/// </summary>
public static class PlanPricing
{
    /// <summary>
    /// The problem of the usable nodes of <paramref name="nodes"/>, or null with why (<see cref="CapacityProblemBuilder"/>):
    /// the privacy floor and codecs of <paramref name="options"/>, and a peer required (the roles host the head on a peer).
    /// </summary>
    public static PlanningProblem? Problem(
        IEnumerable<NodeCapacity> nodes, CostTable costs, OrchestrationOptions options, out string? problem, out IReadOnlyList<LeftOutNode> leftOut)
    {
        ArgumentNullException.ThrowIfNull(options);
        var built = CapacityProblemBuilder.Build(
            nodes, costs, new ScenarioConstraints { PrivacyFloor = options.PrivacyFloor, Codecs = options.Codecs }, null, out var problems, out leftOut);
        problem = built is null ? string.Join("; ", problems) : null;
        return built is null ? null : built with { Constraints = built.Constraints with { PeerRequired = true } };
    }

    /// <summary>
    /// Each gateway's predicted decode step and prefill (per position and fixed) on <paramref name="plan"/>: the
    /// prefill is linear in the prompt length, so pricing it at one and two positions gives both terms.
    /// </summary>
    public static IReadOnlyList<GatewayPrediction> Predictions(PlanningProblem problem, PipelinePlan plan)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        var one = PlanEvaluator.Evaluate(problem with { Objective = problem.Objective with { PromptLength = 1 } }, plan).Best;
        var two = PlanEvaluator.Evaluate(problem with { Objective = problem.Objective with { PromptLength = 2 } }, plan).Best;
        if (one is null || two is null)
        {
            return [];
        }

        return
        [
            .. one.Latencies.Select(l =>
            {
                var perPosition = two.Latencies.First(t => t.Gateway == l.Gateway).PrefillMs - l.PrefillMs;
                return new GatewayPrediction(l.Gateway, l.DecodeStepMs, perPosition, l.PrefillMs - perPosition);
            }),
        ];
    }

    /// <summary>The assignments of <paramref name="plan"/>, each stage sized as the planner sized it (weights and KV cache).</summary>
    public static IReadOnlyList<PlanAssignment> Assignments(PlanningProblem problem, PipelinePlan plan) =>
        OrchestratorProposer.AssignmentsOf(plan, stage => MemoryOf(problem, stage));

    /// <summary>
    /// The decode step <paramref name="plan"/> would take under <paramref name="problem"/>'s capacities, or null when it
    /// cannot run there (a node gone, memory, a link) with the broken constraint in <paramref name="broken"/>.
    /// </summary>
    public static double? StepMs(PlanningProblem problem, AgreedPlan plan, out Infeasibility? broken)
    {
        var pipeline = Pipeline(plan);
        if (pipeline is null)
        {
            broken = new Infeasibility(InfeasibilityKind.InvalidProblem, "the plan names an unknown codec or no gateway stage");
            return null;
        }

        var known = problem.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        if (plan.NodeIds().FirstOrDefault(n => !known.Contains(n)) is { } missing)
        {
            broken = new Infeasibility(InfeasibilityKind.InvalidProblem, $"{missing} is not usable now", Node: missing);
            return null;
        }

        var priced = PlanEvaluator.Evaluate(problem, pipeline);
        broken = priced.Infeasibility;
        return priced.Best?.DecodeStepMs;
    }

    /// <summary>Bytes a stage needs: its weights (with embedding and head) and the KV cache of the sessions it serves.</summary>
    public static long MemoryOf(PlanningProblem problem, PlanStage stage)
    {
        var costs = problem.Costs;
        var gateways = problem.Nodes.Count(n => n.IsGateway);
        var sessions = (long)problem.Constraints.SessionsPerGateway * (stage.Embedding ? 1 : Math.Max(1, gateways));
        Int128 need = 0;
        for (var b = stage.FirstBlock; b < stage.EndBlock; b++)
        {
            need += costs.Blocks[b].WeightBytes;
            need += (Int128)costs.Blocks[b].KvBytesPerPosition * problem.Constraints.ContextLimit * sessions;
        }

        need += stage.Embedding ? costs.Embedding.WeightBytes : 0;
        need += stage.Head ? costs.Head.WeightBytes : 0;
        return need > long.MaxValue ? long.MaxValue : (long)need;
    }

    /// <summary>The planner's form of an agreed plan (gateway stages: those with the embedding), or null when a codec is unknown.</summary>
    public static PipelinePlan? Pipeline(AgreedPlan plan)
    {
        var stages = new List<PlanStage>(plan.Assignments.Count);
        foreach (var a in plan.Assignments)
        {
            WireCodec? codec = null;
            if (a.CodecToNext is { } name)
            {
                if (!WireCodecNames.TryParse(name, out var parsed))
                {
                    return null;
                }

                codec = parsed;
            }

            stages.Add(new PlanStage(a.Node, a.FirstBlock, a.EndBlock, a.Embedding, a.Head, codec));
        }

        var gateways = stages.Where(s => s.Embedding).ToList();
        return gateways.Count == 0 ? null : new PipelinePlan(gateways, [.. stages.Where(s => !s.Embedding)], [], 0);
    }
}
