using EdgeLam.Orchestration.Planning;
using static EdgeLam.Orchestration.Tests.Planning.Problems;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary>Problems without a plan name the constraint that fails, with the node and the bytes where there are some.</summary>
public class SplitPlannerInfeasibilityTests
{
    [Fact]
    public void Plan_GatewayCannotHoldThePrivacyFloor_NamesGatewayAndBytes()
    {
        var result = SplitPlanner.Plan(TwoNodes(floor: 3, gatewayMemory: 250));

        Assert.Null(result.Best);
        Assert.Equal(InfeasibilityKind.PrivacyFloor, result.Infeasibility!.Kind);
        Assert.Equal("gw", result.Infeasibility.Node);
        Assert.Equal(300, result.Infeasibility.Needed);
        Assert.Equal(250, result.Infeasibility.Available);
    }

    [Fact]
    public void Plan_NoLinkToThePeer_NoPeerReachable()
    {
        var problem = TwoNodes(gatewayMemory: 250) with { Links = [new NodeLink("gw", "peer", 1, 1000)] };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(InfeasibilityKind.NoPeerReachable, result.Infeasibility!.Kind);
        Assert.Equal("gw", result.Infeasibility.Node);
        Assert.Equal(400, result.Infeasibility.Needed);
    }

    [Fact]
    public void Plan_OneBlockTooLargeForEveryNode_NamesTheBlock()
    {
        var blocks = Uniform(4).Blocks.ToList();
        blocks[2] = blocks[2] with { WeightBytes = 1000 };
        var problem = TwoNodes(gatewayMemory: 250, peerMemory: 500) with { Costs = Uniform(4) with { Blocks = blocks } };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(InfeasibilityKind.BlockFitsNowhere, result.Infeasibility!.Kind);
        Assert.Contains("block 2", result.Infeasibility.Message, StringComparison.Ordinal);
        Assert.Equal(1000, result.Infeasibility.Needed);
        Assert.Equal(500, result.Infeasibility.Available);
    }

    [Fact]
    public void Plan_NodesTogetherTooSmall_MemoryWithTotals()
    {
        // 400 B of blocks; gateway 150 + two peers of 120 = 390 B.
        var problem = new PlanningProblem
        {
            Costs = Uniform(4),
            Nodes = [Gateway("gw", 1, 150), Peer("a", 1, 120), Peer("b", 1, 120)],
            Links = [.. Both("gw", "a"), .. Both("gw", "b"), .. Both("a", "b")],
            Constraints = new PlanningConstraints { PrivacyFloor = 1 },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(InfeasibilityKind.Memory, result.Infeasibility!.Kind);
        Assert.Equal(400, result.Infeasibility.Needed);
        Assert.Equal(390, result.Infeasibility.Available);
    }

    [Fact]
    public void Plan_NoCodecAllowedAnywhere_NoUsableCut()
    {
        var problem = TwoNodes(gatewayMemory: 250) with { Constraints = new PlanningConstraints { PrivacyFloor = 1, AllowedCodecs = [] } };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(InfeasibilityKind.NoUsableCut, result.Infeasibility!.Kind);
    }

    [Fact]
    public void Plan_PeersCannotTalkToEachOther_NoFeasibleChain()
    {
        // gw holds 1 block, a and b 2 each: enough together, but gw→a→b needs the a→b link and neither alone holds 3.
        var problem = new PlanningProblem
        {
            Costs = Uniform(4),
            Nodes = [Gateway("gw", 1, 150), Peer("a", 1, 250), Peer("b", 1, 250)],
            Links = [.. Both("gw", "a"), .. Both("gw", "b")],
            Constraints = new PlanningConstraints { PrivacyFloor = 1 },
        };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(InfeasibilityKind.NoFeasibleChain, result.Infeasibility!.Kind);
    }

    [Theory]
    [InlineData(5, "privacy floor 5")]
    [InlineData(-1, "privacy floor -1")]
    public void Plan_PrivacyFloorOutsideTheModel_InvalidProblem(int floor, string expected)
    {
        var result = SplitPlanner.Plan(TwoNodes(floor: floor));

        Assert.Equal(InfeasibilityKind.InvalidProblem, result.Infeasibility!.Kind);
        Assert.Contains(expected, result.Infeasibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoGatewayAndRepeatedIds_InvalidProblemListsBoth()
    {
        var problem = TwoNodes() with { Nodes = [Peer("x", 1, 1000), Peer("x", 1, 1000)] };

        var result = SplitPlanner.Plan(problem);

        Assert.Equal(InfeasibilityKind.InvalidProblem, result.Infeasibility!.Kind);
        Assert.Contains("no node is a gateway", result.Infeasibility.Message, StringComparison.Ordinal);
        Assert.Contains("'x' is empty or repeated", result.Infeasibility.Message, StringComparison.Ordinal);
    }
}
