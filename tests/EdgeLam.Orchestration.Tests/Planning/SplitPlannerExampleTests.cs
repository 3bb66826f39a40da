using EdgeLam.Orchestration.Planning;
using EdgeLam.Wire.Codecs;
using static EdgeLam.Orchestration.Tests.Planning.Problems;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary>Worked examples: the expected plans and latencies are computed by hand in the comments.</summary>
public class SplitPlannerExampleTests
{
    [Fact]
    public void Plan_SlowGatewayFastPeer_CutsAtThePrivacyFloor()
    {
        // gw[0,1): 10 ms; cut: 2/2 ms round trip + 64 B at 64 kB/s = 1 + 1; peer[1,4)+head: 3 ms; result back: 1 ms → 16 ms.
        // Cut 2: 20 + 2 + 2 + 1 = 25; gateway alone: 40; head-only peer: 40 + 2 + 0 + 1 = 43.
        var result = SplitPlanner.Plan(TwoNodes(floor: 1));

        Assert.True(result.IsFeasible);
        Assert.Equal("gw[0,1) -raw-> peer[1,4)+head", result.Best!.ToString());
        Assert.Equal(16, result.Best.DecodeStepMs, 9);
        Assert.Equal(16, result.Best.Cost, 9);

        // Alternatives: best plan of every other node set, here the gateway alone (40 ms).
        var alone = Assert.Single(result.Alternatives);
        Assert.Equal("gw[0,4)+head", alone.ToString());
        Assert.Equal(40, alone.DecodeStepMs, 9);
    }

    [Fact]
    public void Plan_PrivacyFloorZero_HandsOverRightAfterTheEmbedding()
    {
        // gw hosts only the embedding (0 units): 0 + 2 + 4 + 1 = 7 ms.
        var result = SplitPlanner.Plan(TwoNodes(floor: 0));

        Assert.Equal("gw[0,0) -raw-> peer[0,4)+head", result.Best!.ToString());
        Assert.Equal(7, result.Best.DecodeStepMs, 9);
    }

    [Fact]
    public void Plan_PeerMemoryForTwoBlocks_CutsWhereThePeerFits()
    {
        // The peer has 250 bytes: at most 2 blocks of 100. Cut 2: 20 + 2 + 2 + 1 = 25 ms.
        var result = SplitPlanner.Plan(TwoNodes(floor: 1, peerMemory: 250));

        Assert.Equal("gw[0,2) -raw-> peer[2,4)+head", result.Best!.ToString());
        Assert.Equal(25, result.Best.DecodeStepMs, 9);
    }

    [Fact]
    public void Plan_KvCacheCountsAgainstMemory_PeerTakesOneBlock()
    {
        // KV 5 B/position × context 10 × 1 session = 50 B per block, so a block needs 150 B and the 250-B peer holds one.
        // Cut 3: 30 + 2 + 1 + 1 = 34 ms, better than the gateway alone (40 ms).
        var problem = TwoNodes(floor: 1, peerMemory: 250) with
        {
            Costs = Uniform(4, kvBytesPerPosition: 5),
            Constraints = new PlanningConstraints { PrivacyFloor = 1, AllowedCodecs = RawOnly, ContextLimit = 10 },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal("gw[0,3) -raw-> peer[3,4)+head", result.Best!.ToString());
        Assert.Equal(34, result.Best.DecodeStepMs, 9);
    }

    [Fact]
    public void Plan_AllCodecsFreeToRun_PicksTheSmallestWireSize()
    {
        // int8: 16 + 2 = 18 B → 18/64 ms instead of 1 ms raw: 10 + 1 + 0.28125 + 3 + 1 = 15.28125 ms.
        var problem = TwoNodes() with { Constraints = new PlanningConstraints { PrivacyFloor = 1 } };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(WireCodec.Int8Block32, result.Best!.GatewayStages[0].CodecToNext);
        Assert.Equal(15.28125, result.Best.DecodeStepMs, 9);
    }

    [Fact]
    public void Plan_Int8CodecCostsTime_PicksFp16()
    {
        // int8 at 0.1 ms per wire byte: 18 × (1/64 + 0.1) = 2.08 ms; fp16: 32/64 = 0.5 ms (bf16 ties, fp16 comes first).
        var problem = TwoNodes() with
        {
            Constraints = new PlanningConstraints { PrivacyFloor = 1 },
            CodecMsPerByte = new Dictionary<WireCodec, double> { [WireCodec.Int8Block32] = 0.1 },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(WireCodec.Float16, result.Best!.GatewayStages[0].CodecToNext);
        Assert.Equal(15.5, result.Best.DecodeStepMs, 9);
    }

    [Fact]
    public void Plan_PrefillWeighted_ReportsBothLatencies()
    {
        // Prompt 10, weight 1. gw prefill 1 ms/position/unit, peer 0.1. Cut 1: decode 16; prefill 10 + (1 + 10) + 3 + 1 = 25;
        // objective 41. Cut 2: 25 + (20 + 11 + 2 + 1) = 59. Gateway alone: 40 + 40 = 80.
        var problem = TwoNodes() with
        {
            Nodes = [Gateway("gw", 10, 1000, prefillMs: 1), Peer("peer", 1, 1000, prefillMs: 0.1)],
            Objective = new PlanningObjective { PrefillWeight = 1, PromptLength = 10 },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal("gw[0,1) -raw-> peer[1,4)+head", result.Best!.ToString());
        Assert.Equal(16, result.Best.DecodeStepMs, 9);
        Assert.Equal(25, result.Best.PrefillMs, 9);
        Assert.Equal(41, result.Best.Cost, 9);
    }

    [Fact]
    public void Plan_AsymmetricLinks_OrdersPeersAlongTheFastLinks()
    {
        // gw holds one block (150 B), A and B one each. gw→A, A→B, B→gw are 2 ms round trips, the reverse 40 ms.
        // gw→A→B: 100 + (1+1) + 1 + (1+1) + 1 + 1 = 107 ms; gw→B→A: 100 + 21 + 1 + 21 + 1 + 20 = 164 ms.
        var fast = 2.0;
        var slow = 40.0;
        var problem = new PlanningProblem
        {
            Costs = Uniform(3),
            Nodes = [Gateway("gw", 100, 150), Peer("a", 1, 150), Peer("b", 1, 150)],
            Links =
            [
                new NodeLink("gw", "a", fast, 64_000), new NodeLink("a", "gw", slow, 64_000),
                new NodeLink("a", "b", fast, 64_000), new NodeLink("b", "a", slow, 64_000),
                new NodeLink("b", "gw", fast, 64_000), new NodeLink("gw", "b", slow, 64_000),
            ],
            Constraints = new PlanningConstraints { PrivacyFloor = 1, AllowedCodecs = RawOnly },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal("gw[0,1) -raw-> a[1,2) -raw-> b[2,3)+head", result.Best!.ToString());
        Assert.Equal(107, result.Best.DecodeStepMs, 9);
    }

    [Fact]
    public void Plan_TwoGatewaysShareAPeer_PeerServesBothAndEachGatewayHasItsLatency()
    {
        // Gateways hold one block each (150 B). The peer (2 ms/unit) serves request weight 1 + 1 = 2: 4 ms per block.
        // g1: 1 + (0 + 1) + 4 + 0 = 6 ms; g2: 3 + 1 + 4 = 8 ms; objective (6 + 8) / 2 = 7.
        var problem = new PlanningProblem
        {
            Costs = Uniform(2),
            Nodes = [Gateway("g1", 1, 150), Gateway("g2", 3, 150), Peer("p", 2, 1000)],
            Links = [.. Both("g1", "p", roundTripMs: 0), .. Both("g2", "p", roundTripMs: 0)],
            Constraints = new PlanningConstraints { PrivacyFloor = 1, AllowedCodecs = RawOnly },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal("g1[0,1) -raw-> p[1,2)+head | g2[0,1) -raw-> p[1,2)+head", result.Best!.ToString());
        Assert.Equal(6, result.Best.Latencies.Single(l => l.Gateway == "g1").DecodeStepMs, 9);
        Assert.Equal(8, result.Best.Latencies.Single(l => l.Gateway == "g2").DecodeStepMs, 9);
        Assert.Equal(7, result.Best.Cost, 9);
    }

    [Fact]
    public void Plan_TwoGateways_PeerKvHoldsEveryGatewaysSessions()
    {
        // KV 10 B/position × context 1 × 2 sessions per gateway: a gateway needs 100 + 20 per block, the peer (two
        // gateways, 4 sessions) 100 + 40. With 150 B the peer holds one block, so the gateways keep two (240 B each).
        var problem = new PlanningProblem
        {
            Costs = Uniform(3, kvBytesPerPosition: 10),
            Nodes = [Gateway("g1", 1, 240), Gateway("g2", 1, 240), Peer("p", 0.1, 150)],
            Links = [.. Both("g1", "p"), .. Both("g2", "p")],
            Constraints = new PlanningConstraints { PrivacyFloor = 0, AllowedCodecs = RawOnly, ContextLimit = 1, SessionsPerGateway = 2 },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(2, result.Best!.GatewayEnd);
        Assert.Equal("p[2,3)+head", result.Best.PeerStages.Single().ToString());
    }

    [Fact]
    public void Plan_DecodeTargetMissed_ReturnsTheOptimumAndNamesTheTarget()
    {
        var problem = TwoNodes() with { Constraints = new PlanningConstraints { PrivacyFloor = 1, AllowedCodecs = RawOnly, DecodeStepTargetMs = 10 } };

        var result = SplitPlanner.Plan(problem);

        Assert.False(result.IsFeasible);
        Assert.Equal(16, result.Best!.DecodeStepMs, 9);
        Assert.Equal(InfeasibilityKind.LatencyTarget, result.Infeasibility!.Kind);
        Assert.Equal(16, result.Infeasibility.Needed, 9);
        Assert.Equal(10, result.Infeasibility.Available);
    }

    [Fact]
    public void Evaluate_PeerSlowedFourTimes_RepricesTheRunningPlan()
    {
        // Running plan gw[0,1)→peer[1,4): with the peer at 4 ms/unit it costs 10 + 2 + 12 + 1 = 25 ms;
        // (cut 2 would cost 20 + 2 + 8 + 1 = 31 ms, the gateway alone 40 ms).
        var running = SplitPlanner.Plan(TwoNodes()).Best!;
        var slowed = TwoNodes() with { Nodes = [Gateway("gw", 10, 1000), Peer("peer", 4, 1000)] };

        var repriced = PlanEvaluator.Evaluate(slowed, running);

        Assert.True(repriced.IsFeasible);
        Assert.Equal(25, repriced.Best!.DecodeStepMs, 9);
        Assert.Equal(running.ToString(), repriced.Best.ToString());
    }

    [Fact]
    public void Evaluate_PeerMemoryShrank_NamesTheNodeAndBytes()
    {
        var running = SplitPlanner.Plan(TwoNodes()).Best!;

        var result = PlanEvaluator.Evaluate(TwoNodes(peerMemory: 250), running);

        Assert.Null(result.Best);
        Assert.Equal(InfeasibilityKind.Memory, result.Infeasibility!.Kind);
        Assert.Equal("peer", result.Infeasibility.Node);
        Assert.Equal(300, result.Infeasibility.Needed);
        Assert.Equal(250, result.Infeasibility.Available);
    }
}
