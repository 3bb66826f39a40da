namespace EdgeLam.Orchestration.Planning;

/// <summary>
/// Prices a given split under a problem's cost model: the planner uses it to describe its optimum, the orchestrator to
/// re-price the running plan under new capacities (predicted gain of a re-split) and to check it still fits.
/// </summary>
public static class PlanEvaluator
{
    /// <summary>
    /// The latencies and cost of <paramref name="plan"/>'s stages and codecs under <paramref name="problem"/>, or the
    /// constraint it breaks there (memory, privacy floor, a missing link, a codec not allowed or not able to carry a cut).
    /// </summary>
    public static PlanResult Evaluate(PlanningProblem problem, PipelinePlan plan)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        var invalid = PlanningProblemValidator.Validate(problem);
        if (invalid.Count > 0)
        {
            return new PlanResult(null, [], new Infeasibility(InfeasibilityKind.InvalidProblem, string.Join("; ", invalid)));
        }

        var model = new PlanCostModel(problem);
        var broken = PlanChecks.Check(model, plan);
        if (broken is not null)
        {
            return new PlanResult(null, [], broken);
        }

        var priced = Price(model, plan.GatewayStages, plan.PeerStages);
        return new PlanResult(priced, [], null);
    }

    /// <summary>Builds the plan for a peer chain the search found: gateways hand over at the first peer's boundary, codecs cheapest per cut.</summary>
    internal static PipelinePlan Describe(PlanCostModel model, IReadOnlyList<(int Node, int First, int End)>? peerChain)
    {
        var chain = peerChain ?? [];
        var length = model.BlockCount;
        var handover = chain.Count == 0 ? length : chain[0].First;
        var gateways = model.Gateways
            .Select(g => new PlanStage(
                model.Node(g).Id,
                0,
                handover,
                Embedding: true,
                Head: chain.Count == 0,
                chain.Count == 0 ? null : model.BestTransfer(g, chain[0].Node, handover)!.Value.Codec))
            .ToList();
        var peers = chain
            .Select((s, i) => new PlanStage(
                model.Node(s.Node).Id,
                s.First,
                s.End,
                Embedding: false,
                Head: i == chain.Count - 1,
                i == chain.Count - 1 ? null : model.BestTransfer(s.Node, chain[i + 1].Node, s.End)!.Value.Codec))
            .ToList();
        return Price(model, gateways, peers);
    }

    /// <summary>Latencies per gateway and the objective for stages whose feasibility is established.</summary>
    private static PipelinePlan Price(PlanCostModel model, IReadOnlyList<PlanStage> gateways, IReadOnlyList<PlanStage> peers)
    {
        var latencies = new List<GatewayLatency>(gateways.Count);
        double cost = 0;
        foreach (var stage in gateways)
        {
            var g = model.IndexOf(stage.Node);
            var ms = model.Stage(g, stage.FirstBlock, stage.EndBlock, stage.Embedding, stage.Head);
            var previous = stage;
            var from = g;
            foreach (var peer in peers)
            {
                var p = model.IndexOf(peer.Node);
                ms += model.Transfer(from, p, peer.FirstBlock, previous.CodecToNext!.Value)!.Value;
                ms += model.Stage(p, peer.FirstBlock, peer.EndBlock, peer.Embedding, peer.Head);
                (previous, from) = (peer, p);
            }

            if (from != g)
            {
                ms += model.Return(from, g)!.Value;
            }

            latencies.Add(new GatewayLatency(stage.Node, ms.Decode, ms.Prefill));
            cost += model.Share(g) * model.Objective(ms);
        }

        return new PipelinePlan(gateways, peers, latencies, cost);
    }
}
