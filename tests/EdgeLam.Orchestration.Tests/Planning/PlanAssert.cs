using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary>Checks a planner's plan against the constraints independently of the planner, and prices it with the test's own model.</summary>
internal static class PlanAssert
{
    /// <summary>Fails when <paramref name="plan"/> breaks a structural, privacy, memory, codec or link constraint.</summary>
    public static BruteForcePlanner.Chain KeepsConstraints(PlanningProblem problem, PipelinePlan plan)
    {
        var length = problem.Costs.BlockCount;
        var gateways = problem.Nodes.Where(n => n.IsGateway).ToList();
        Assert.Equal(gateways.Select(g => g.Id), plan.GatewayStages.Select(s => s.Node));
        var c = plan.GatewayStages[0].EndBlock;
        Assert.True(c >= problem.Constraints.PrivacyFloor, $"gateway cut {c} below the privacy floor {problem.Constraints.PrivacyFloor}");
        foreach (var stage in plan.GatewayStages)
        {
            Assert.Equal(0, stage.FirstBlock);
            Assert.Equal(c, stage.EndBlock);
            Assert.True(stage.Embedding, "a gateway must host the embedding");
            Assert.Equal(plan.PeerStages.Count == 0, stage.Head);
        }

        var at = c;
        var seen = new HashSet<string>();
        for (var i = 0; i < plan.PeerStages.Count; i++)
        {
            var s = plan.PeerStages[i];
            var node = problem.Nodes.Single(n => n.Id == s.Node);
            Assert.True(!node.IsGateway && node.EligibleAsPeer, $"{s.Node} is not an eligible peer");
            Assert.True(seen.Add(s.Node), $"{s.Node} appears twice");
            Assert.Equal(at, s.FirstBlock);
            Assert.False(s.Embedding);
            var last = i == plan.PeerStages.Count - 1;
            Assert.Equal(last, s.Head);
            Assert.True(last ? s.EndBlock == length : s.EndBlock > s.FirstBlock, $"stage {s} is empty or does not reach the end");
            at = s.EndBlock;
        }

        if (plan.PeerStages.Count == 0)
        {
            Assert.Equal(length, c);
        }

        var chain = ToChain(plan);
        Assert.True(BruteForcePlanner.Fits(problem, chain), $"plan {plan} does not fit some node's memory");
        foreach (var (boundary, codec) in CutsOf(plan))
        {
            Assert.Contains(codec, BruteForcePlanner.Allowed(problem, boundary));
            Assert.NotNull(problem.Costs.Cuts[boundary]?.BytesPerPosition(codec));
        }

        return chain;
    }

    /// <summary>The plan's cost and latencies equal the test's own pricing of its chain.</summary>
    public static void PricedAsTheModelSays(PlanningProblem problem, PipelinePlan plan, BruteForcePlanner.Chain chain)
    {
        var priced = BruteForcePlanner.Price(problem, chain);
        Assert.NotNull(priced);
        Close(priced.Cost, plan.Cost);
        foreach (var latency in plan.Latencies)
        {
            Close(priced.Latencies[latency.Gateway].Decode, latency.DecodeStepMs);
            Close(priced.Latencies[latency.Gateway].Prefill, latency.PrefillMs);
        }
    }

    public static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    public static BruteForcePlanner.Chain ToChain(PipelinePlan plan)
    {
        var codecs = plan.PeerStages.Count == 0
            ? []
            : plan.GatewayStages.Select(s => s.CodecToNext!.Value).Concat(plan.PeerStages.SkipLast(1).Select(s => s.CodecToNext!.Value)).ToList();
        return new BruteForcePlanner.Chain(
            plan.GatewayStages[0].EndBlock,
            plan.PeerStages.Select(s => (s.Node, s.FirstBlock, s.EndBlock)).ToList(),
            codecs);
    }

    private static IEnumerable<(int Boundary, Wire.Codecs.WireCodec Codec)> CutsOf(PipelinePlan plan)
    {
        if (plan.PeerStages.Count == 0)
        {
            yield break;
        }

        foreach (var g in plan.GatewayStages)
        {
            yield return (g.EndBlock, g.CodecToNext!.Value);
        }

        foreach (var s in plan.PeerStages.SkipLast(1))
        {
            yield return (s.EndBlock, s.CodecToNext!.Value);
        }
    }
}
