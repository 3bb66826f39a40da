using EdgeLam.Orchestration.Planning;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary>
/// The test's own statement of the cost model (docs/orchestration.md), written from the formulas, not from the planner:
/// it enumerates every gateway cut, every ordered set of distinct eligible peers, every split of the remaining blocks
/// among them and every allowed codec per cut, and keeps the cheapest chain that fits every memory.
/// </summary>
internal static class BruteForcePlanner
{
    /// <summary>A chain: gateways host [0, GatewayEnd); Codecs holds one codec per gateway's cut (problem order), then one per peer-to-peer cut.</summary>
    public sealed record Chain(int GatewayEnd, IReadOnlyList<(string Node, int First, int End)> Peers, IReadOnlyList<WireCodec> Codecs);

    public sealed record Priced(Chain Chain, double Cost, IReadOnlyDictionary<string, (double Decode, double Prefill)> Latencies);

    /// <summary>The optimum, or null when no chain satisfies the constraints.</summary>
    /// <param name="everyCodecCombination">Enumerate the full product of codecs (slow); otherwise the cheapest per cut, which the cost's per-cut additivity makes equal.</param>
    public static Priced? Optimum(PlanningProblem problem, bool everyCodecCombination = false)
    {
        Priced? best = null;
        foreach (var chain in Chains(problem, everyCodecCombination))
        {
            if (!Fits(problem, chain))
            {
                continue;
            }

            var priced = Price(problem, chain);
            if (priced is not null && (best is null || priced.Cost < best.Cost))
            {
                best = priced;
            }
        }

        return best;
    }

    /// <summary>Every structurally valid chain (privacy floor, distinct peers, non-empty middle stages, cuts with a codec).</summary>
    public static IEnumerable<Chain> Chains(PlanningProblem problem, bool everyCodecCombination)
    {
        var length = problem.Costs.BlockCount;
        var peers = problem.Nodes.Where(n => !n.IsGateway && n.EligibleAsPeer).Select(n => n.Id).ToList();
        if (!problem.Constraints.PeerRequired)
        {
            yield return new Chain(length, [], []); // the gateways alone
        }

        for (var c = problem.Constraints.PrivacyFloor; c <= (problem.Constraints.PeerRequired ? length - 1 : length); c++)
        {
            foreach (var order in Orders(peers, []))
            {
                foreach (var ranges in Ranges(c, length, order.Count))
                {
                    var stages = order.Select((p, i) => (p, ranges[i].First, ranges[i].End)).ToList();
                    var cuts = stages.Select(s => s.First).ToList();
                    foreach (var codecs in CodecChoices(problem, cuts, stages, everyCodecCombination))
                    {
                        yield return new Chain(c, stages, codecs);
                    }
                }
            }
        }
    }

    public static bool Fits(PlanningProblem problem, Chain chain)
    {
        var gateways = problem.Nodes.Where(n => n.IsGateway).ToList();
        foreach (var g in gateways)
        {
            if (Need(problem, 0, chain.GatewayEnd, true, chain.Peers.Count == 0, problem.Constraints.SessionsPerGateway) > g.MemoryAvailableBytes)
            {
                return false;
            }
        }

        var sessions = problem.Constraints.SessionsPerGateway * gateways.Count;
        for (var i = 0; i < chain.Peers.Count; i++)
        {
            var (node, first, end) = chain.Peers[i];
            var head = i == chain.Peers.Count - 1;
            if (Need(problem, first, end, false, head, sessions) > problem.Nodes.Single(n => n.Id == node).MemoryAvailableBytes)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Memory of blocks [a, b) plus embedding/head with KV for <paramref name="sessions"/> sessions of the context limit.</summary>
    public static decimal Need(PlanningProblem problem, int a, int b, bool embedding, bool head, long sessions)
    {
        decimal need = 0;
        for (var i = a; i < b; i++)
        {
            need += problem.Costs.Blocks[i].WeightBytes
                + ((decimal)problem.Costs.Blocks[i].KvBytesPerPosition * problem.Constraints.ContextLimit * sessions);
        }

        need += embedding ? problem.Costs.Embedding.WeightBytes : 0;
        need += head ? problem.Costs.Head.WeightBytes : 0;
        return need;
    }

    /// <summary>Latencies per gateway and the request-weighted objective; null when a link is missing.</summary>
    public static Priced? Price(PlanningProblem problem, Chain chain)
    {
        var gateways = problem.Nodes.Where(n => n.IsGateway).ToList();
        var totalWeight = gateways.Sum(g => g.RequestWeight);
        var prompt = problem.Objective.PromptLength;
        var latencies = new Dictionary<string, (double, double)>();
        double cost = 0;
        for (var gi = 0; gi < gateways.Count; gi++)
        {
            var g = gateways[gi];
            double decode = 0, prefill = 0;
            void Compute(PlanningNode n, int a, int b, bool embedding, bool head, double demand)
            {
                var units = 0.0;
                for (var i = a; i < b; i++)
                {
                    units += problem.Costs.Blocks[i].ComputeUnits;
                }

                units += (embedding ? problem.Costs.Embedding.ComputeUnits : 0) + (head ? problem.Costs.Head.ComputeUnits : 0);
                decode += n.LoadFactor * demand * (n.StepOverheadMs + (n.DecodeMsPerUnit * units));
                prefill += n.LoadFactor * demand * (n.StepOverheadMs + (n.PrefillMsPerPositionPerUnit * prompt * units));
            }

            Compute(g, 0, chain.GatewayEnd, true, chain.Peers.Count == 0, g.RequestWeight);
            var from = g.Id;
            for (var i = 0; i < chain.Peers.Count; i++)
            {
                var (node, first, end) = chain.Peers[i];
                var link = problem.Links.SingleOrDefault(l => l.From == from && l.To == node);
                var codec = i == 0 ? chain.Codecs[gi] : chain.Codecs[gateways.Count + i - 1];
                var bytes = problem.Costs.Cuts[first]?.BytesPerPosition(codec);
                if (link is null || bytes is null)
                {
                    return null;
                }

                var perByte = (1000 / link.BytesPerSecond) + problem.CodecMsPerByte.GetValueOrDefault(codec);
                decode += (link.RoundTripMs / 2) + (bytes.Value * perByte);
                prefill += (link.RoundTripMs / 2) + (bytes.Value * prompt * perByte);
                Compute(problem.Nodes.Single(n => n.Id == node), first, end, false, i == chain.Peers.Count - 1, totalWeight);
                from = node;
            }

            if (chain.Peers.Count > 0)
            {
                var back = problem.Links.SingleOrDefault(l => l.From == from && l.To == g.Id);
                if (back is null)
                {
                    return null;
                }

                var ms = (back.RoundTripMs / 2) + (problem.Costs.ResultBytes * 1000 / back.BytesPerSecond);
                decode += ms;
                prefill += ms;
            }

            latencies[g.Id] = (decode, prefill);
            cost += g.RequestWeight / totalWeight * (decode + (problem.Objective.PrefillWeight * prefill));
        }

        return new Priced(chain, cost, latencies);
    }

    private static IEnumerable<List<string>> Orders(List<string> peers, List<string> prefix)
    {
        if (prefix.Count > 0)
        {
            yield return prefix;
        }

        foreach (var p in peers.Where(p => !prefix.Contains(p)))
        {
            foreach (var longer in Orders(peers, [.. prefix, p]))
            {
                yield return longer;
            }
        }
    }

    /// <summary>Ranges [first, end) for <paramref name="count"/> stages from <paramref name="start"/> to L: all but the last non-empty.</summary>
    private static IEnumerable<List<(int First, int End)>> Ranges(int start, int length, int count)
    {
        if (count == 1)
        {
            yield return [(start, length)];
            yield break;
        }

        for (var end = start + 1; end <= length; end++)
        {
            foreach (var rest in Ranges(end, length, count - 1))
            {
                yield return [(start, end), .. rest];
            }
        }
    }

    private static IEnumerable<List<WireCodec>> CodecChoices(
        PlanningProblem problem, List<int> cuts, List<(string Node, int First, int End)> stages, bool everyCombination)
    {
        // One sender/receiver/boundary per codec slot: each gateway into the first peer, then peer to peer.
        var slots = problem.Nodes.Where(n => n.IsGateway).Select(g => (From: g.Id, To: stages[0].Node, Boundary: cuts[0])).ToList();
        for (var i = 1; i < stages.Count; i++)
        {
            slots.Add((stages[i - 1].Node, stages[i].Node, cuts[i]));
        }

        var options = slots
            .Select(s => Allowed(problem, s.Boundary).Distinct().Where(c => problem.Costs.Cuts[s.Boundary]?.BytesPerPosition(c) is not null).ToList())
            .ToList();
        if (options.Any(o => o.Count == 0))
        {
            yield break;
        }

        if (everyCombination)
        {
            foreach (var combination in Product(options, 0))
            {
                yield return combination;
            }

            yield break;
        }

        // Per slot the codec minimizing bytes x (ms per byte of that link + codec ms per byte).
        var chosen = new List<WireCodec>();
        for (var i = 0; i < slots.Count; i++)
        {
            var link = problem.Links.SingleOrDefault(l => l.From == slots[i].From && l.To == slots[i].To);
            if (link is null)
            {
                yield break;
            }

            chosen.Add(options[i].MinBy(c => problem.Costs.Cuts[slots[i].Boundary]!.BytesPerPosition(c)!.Value
                * ((1000 / link.BytesPerSecond) + problem.CodecMsPerByte.GetValueOrDefault(c))));
        }

        yield return chosen;
    }

    private static IEnumerable<List<WireCodec>> Product(List<List<WireCodec>> options, int at)
    {
        if (at == options.Count)
        {
            yield return [];
            yield break;
        }

        foreach (var c in options[at])
        {
            foreach (var rest in Product(options, at + 1))
            {
                yield return [c, .. rest];
            }
        }
    }

    public static IReadOnlyList<WireCodec> Allowed(PlanningProblem problem, int boundary) =>
        problem.Constraints.CutCodecs.TryGetValue(boundary, out var list) ? list : problem.Constraints.AllowedCodecs;
}
