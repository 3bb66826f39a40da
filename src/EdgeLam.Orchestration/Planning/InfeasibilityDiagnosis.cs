namespace EdgeLam.Orchestration.Planning;

/// <summary>
/// Names the constraint that leaves a valid problem without a plan, checking the simplest causes first: the privacy
/// floor on a gateway, no reachable peer, no usable cut, a block that fits on no node, too little memory altogether,
/// and otherwise that no chain fits over the given links and cuts.
/// </summary>
internal static class InfeasibilityDiagnosis
{
    public static Infeasibility Explain(PlanCostModel model)
    {
        var length = model.BlockCount;
        var floor = model.Problem.Constraints.PrivacyFloor;
        foreach (var g in model.Gateways)
        {
            var need = model.MemoryNeed(g, 0, floor, embedding: true, head: false);
            var available = model.Node(g).MemoryAvailableBytes;
            if (need > available)
            {
                return new Infeasibility(
                    InfeasibilityKind.PrivacyFloor,
                    $"gateway {model.Node(g).Id} needs {need} bytes for the embedding and the privacy floor of {floor} blocks but has {available}",
                    model.Node(g).Id,
                    need,
                    available);
            }
        }

        var reachable = Reachable(model);
        if (reachable.Count == 0 && model.Problem.Constraints.PeerRequired)
        {
            return new Infeasibility(
                InfeasibilityKind.NoPeerReachable,
                "no eligible peer is linked to every gateway and back, and the gateways may not run the whole model alone (PeerRequired)");
        }

        if (reachable.Count == 0)
        {
            var g = model.Gateways.First(g => !model.Fits(g, 0, length, embedding: true, head: true));
            var need = model.MemoryNeed(g, 0, length, embedding: true, head: true);
            return new Infeasibility(
                InfeasibilityKind.NoPeerReachable,
                $"gateway {model.Node(g).Id} needs {need} bytes for the whole model but has {model.Node(g).MemoryAvailableBytes}, and no eligible peer is linked to every gateway and back",
                model.Node(g).Id,
                need,
                model.Node(g).MemoryAvailableBytes);
        }

        var lastHandover = model.Problem.Constraints.PeerRequired ? length - 1 : length;
        if (!Enumerable.Range(floor, Math.Max(0, lastHandover - floor + 1)).Any(c => Usable(model, c)))
        {
            return new Infeasibility(
                InfeasibilityKind.NoUsableCut,
                $"no boundary from {floor} to {length} can be cut with an allowed codec, and the gateways cannot host the whole model");
        }

        for (var b = floor; b <= length; b++)
        {
            // b == length stands for the head.
            var head = b == length;
            var end = head ? length : b + 1;
            var onGateway = model.Gateways.All(g => model.Fits(g, 0, end, embedding: true, head));
            var onPeer = reachable.Any(p => model.Fits(p, b, end, embedding: false, head));
            if (!onGateway && !onPeer)
            {
                var need = reachable.Min(p => model.MemoryNeed(p, b, end, embedding: false, head));
                var most = reachable.Max(p => model.Node(p).MemoryAvailableBytes);
                var what = head ? "the head" : $"block {b}";
                return new Infeasibility(
                    InfeasibilityKind.BlockFitsNowhere,
                    $"{what} needs {need} bytes (weights and KV cache) on a peer, the largest reachable peer has {most}, and the gateways cannot host blocks [0, {end})",
                    null,
                    need,
                    most);
            }
        }

        var gateways = model.Gateways.Length;
        var totalNeed = ((Int128)gateways * model.MemoryNeed(model.Gateways[0], 0, floor, embedding: true, head: false))
            + AllPeersNeed(model, reachable[0], floor);
        Int128 totalAvailable = 0;
        foreach (var n in model.Gateways.Concat(reachable))
        {
            totalAvailable += model.Node(n).MemoryAvailableBytes;
        }

        if (totalNeed > totalAvailable)
        {
            return new Infeasibility(
                InfeasibilityKind.Memory,
                $"the model needs at least {totalNeed} bytes on the gateways and reachable peers together, which have {totalAvailable}",
                null,
                (double)totalNeed,
                (double)totalAvailable);
        }

        var nodes = string.Join(", ", model.Gateways.Concat(reachable).Select(n => $"{model.Node(n).Id} {model.Node(n).MemoryAvailableBytes} B"));
        return new Infeasibility(
            InfeasibilityKind.NoFeasibleChain,
            $"every part fits somewhere, but no chain over the given links and allowed cuts fits each node's memory ({nodes})");
    }

    /// <summary>Peers reachable from every gateway over links (through other peers) that can also reach every gateway back.</summary>
    private static List<int> Reachable(PlanCostModel model)
    {
        var result = new List<int>();
        foreach (var p in model.Peers)
        {
            var ok = model.Gateways.All(g => Path(model, g, p) && Path(model, p, g));
            if (ok)
            {
                result.Add(p);
            }
        }

        return result;
    }

    private static bool Path(PlanCostModel model, int from, int to)
    {
        var seen = new HashSet<int> { from };
        var queue = new Queue<int>([from]);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            if (n == to)
            {
                return true;
            }

            foreach (var next in model.Peers.Append(to))
            {
                if (model.HasLink(n, next) && seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return false;
    }

    private static bool Usable(PlanCostModel model, int boundary) =>
        model.AllowedCodecs(boundary).Any(c => model.Problem.Costs.Cuts[boundary]?.BytesPerPosition(c) is not null);

    /// <summary>Blocks [floor, L) and the head held once, with KV for every gateway's sessions (the peers' share).</summary>
    private static Int128 AllPeersNeed(PlanCostModel model, int peer, int floor) =>
        model.MemoryNeed(peer, floor, model.BlockCount, embedding: false, head: true);
}
