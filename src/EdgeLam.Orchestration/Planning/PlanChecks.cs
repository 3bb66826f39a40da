namespace EdgeLam.Orchestration.Planning;

/// <summary>Whether a given plan keeps a problem's constraints; the first broken one, named.</summary>
internal static class PlanChecks
{
    public static Infeasibility? Check(PlanCostModel model, PipelinePlan plan)
    {
        var length = model.BlockCount;
        var floor = model.Problem.Constraints.PrivacyFloor;
        var gatewayIds = model.Gateways.Select(g => model.Node(g).Id).ToHashSet(StringComparer.Ordinal);
        var planned = plan.GatewayStages.Select(s => s.Node).ToList();
        if (planned.Count != gatewayIds.Count || !gatewayIds.SetEquals(planned))
        {
            return Broken(InfeasibilityKind.InvalidProblem, $"the plan's gateways ({string.Join(", ", planned)}) are not the problem's ({string.Join(", ", gatewayIds)})");
        }

        var handover = plan.GatewayEnd;
        var peers = plan.PeerStages;
        if (handover >= length && model.Problem.Constraints.PeerRequired)
        {
            return Broken(InfeasibilityKind.NoPeerReachable, "the gateways host every block, but the problem requires a peer to host at least one (PeerRequired)");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in plan.GatewayStages)
        {
            var g = model.IndexOf(stage.Node);
            if (stage.FirstBlock != 0 || !stage.Embedding || stage.EndBlock != handover || stage.Head != (peers.Count == 0))
            {
                return Broken(InfeasibilityKind.InvalidProblem, $"gateway {stage.Node} must host the embedding and [0, {handover}) like every gateway");
            }

            if (stage.EndBlock < floor)
            {
                return Broken(InfeasibilityKind.PrivacyFloor, $"gateway {stage.Node} hosts {stage.EndBlock} blocks, below the privacy floor {floor}", stage.Node, floor, stage.EndBlock);
            }

            if (Memory(model, g, stage) is { } memory)
            {
                return memory;
            }
        }

        var at = handover;
        for (var i = 0; i < peers.Count; i++)
        {
            var stage = peers[i];
            var last = i == peers.Count - 1;
            if (!model.Peers.Any(p => model.Node(p).Id == stage.Node) || !used.Add(stage.Node))
            {
                return Broken(InfeasibilityKind.InvalidProblem, $"{stage.Node} is not an eligible peer or appears twice", stage.Node);
            }

            if (stage.FirstBlock != at || stage.Embedding || stage.Head != last || (last ? stage.EndBlock != length : stage.EndBlock <= at))
            {
                return Broken(InfeasibilityKind.InvalidProblem, $"peer stage {stage} does not continue the chain at block {at}", stage.Node);
            }

            if (Memory(model, model.IndexOf(stage.Node), stage) is { } memory)
            {
                return memory;
            }

            at = stage.EndBlock;
        }

        return Links(model, plan);
    }

    private static Infeasibility? Links(PlanCostModel model, PipelinePlan plan)
    {
        var peers = plan.PeerStages;
        if (peers.Count == 0)
        {
            return null;
        }

        var hops = plan.GatewayStages.Select(s => (s, peers[0])).Concat(peers.Zip(peers.Skip(1)));
        foreach (var (from, to) in hops)
        {
            if (from.CodecToNext is not { } codec || !model.AllowedCodecs(to.FirstBlock).Contains(codec))
            {
                return Broken(InfeasibilityKind.NoUsableCut, $"the cut at block {to.FirstBlock} from {from.Node} has no allowed codec", from.Node);
            }

            if (model.Transfer(model.IndexOf(from.Node), model.IndexOf(to.Node), to.FirstBlock, codec) is null)
            {
                return Broken(InfeasibilityKind.NoFeasibleChain, $"{from.Node} cannot send the cut at block {to.FirstBlock} to {to.Node} with {codec} (no link, or the codec cannot carry it)", from.Node);
            }
        }

        var tail = model.IndexOf(peers[^1].Node);
        foreach (var g in model.Gateways)
        {
            if (model.Return(tail, g) is null)
            {
                return Broken(InfeasibilityKind.NoFeasibleChain, $"{peers[^1].Node} has no link back to gateway {model.Node(g).Id}", peers[^1].Node);
            }
        }

        return null;
    }

    private static Infeasibility? Memory(PlanCostModel model, int node, PlanStage stage)
    {
        var need = model.MemoryNeed(node, stage.FirstBlock, stage.EndBlock, stage.Embedding, stage.Head);
        var available = model.Node(node).MemoryAvailableBytes;
        return need <= available
            ? null
            : Broken(InfeasibilityKind.Memory, $"{stage.Node} needs {need} bytes for {stage} but has {available}", stage.Node, need, available);
    }

    private static Infeasibility Broken(InfeasibilityKind kind, string message, string? node = null, double needed = 0, double available = 0) =>
        new(kind, message, node, needed, available);
}
