using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Planning;
using static EdgeLam.Orchestration.Tests.Planning.Problems;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary><see cref="PlanningConstraints.PeerRequired"/> and the per-gateway predictions plans carry.</summary>
public class PeerRequiredTests
{
    /// <summary>A fast gateway (1 ms/unit) and a slow peer (10 ms/unit): alone the gateway takes 4 ms, any split more.</summary>
    private static PlanningProblem FastGateway(bool peerRequired) => TwoNodes() with
    {
        Nodes = [Gateway("gw", 1, 1000), Peer("peer", 10, 1000)],
        Constraints = new PlanningConstraints { PrivacyFloor = 1, AllowedCodecs = RawOnly, PeerRequired = peerRequired },
    };

    [Fact]
    public void Plan_GatewayAloneIsFastestButPeerRequired_HandsOverToThePeer()
    {
        var free = SplitPlanner.Plan(FastGateway(peerRequired: false));
        var required = SplitPlanner.Plan(FastGateway(peerRequired: true));

        Assert.Equal("gw[0,4)+head", free.Best!.ToString());
        // The peer hosts at least one block: cut 3, gw 3 ms + 1 + 1 + peer [3,4)+head 10 ms + return 1 = 16 ms.
        Assert.Equal("gw[0,3) -raw-> peer[3,4)+head", required.Best!.ToString());
        Assert.Equal(16, required.Best.DecodeStepMs, 9);
        Assert.All(required.Alternatives, a => Assert.NotEmpty(a.PeerStages));
    }

    [Fact]
    public void Plan_PeerRequiredAndNoPeerLinked_NamesNoPeerReachable()
    {
        var problem = FastGateway(peerRequired: true) with { Links = [] };

        var result = SplitPlanner.Plan(problem);

        Assert.Null(result.Best);
        Assert.Equal(InfeasibilityKind.NoPeerReachable, result.Infeasibility!.Kind);
    }

    [Fact]
    public void Evaluate_GatewayAloneUnderPeerRequired_IsBroken()
    {
        var alone = SplitPlanner.Plan(FastGateway(peerRequired: false)).Best!;

        var priced = PlanEvaluator.Evaluate(FastGateway(peerRequired: true), alone);

        Assert.Equal(InfeasibilityKind.NoPeerReachable, priced.Infeasibility!.Kind);
    }

    [Fact]
    public void Predictions_PrefillSplitIntoFixedAndPerPosition_ReproducesThePlannersPrefill()
    {
        // Prefill 2 ms per unit and position on the gateway, 0.5 on the peer; a 40-position prompt.
        var problem = TwoNodes() with
        {
            Nodes = [Gateway("gw", 10, 1000, prefillMs: 2), Peer("peer", 1, 1000, prefillMs: 0.5)],
            Objective = new PlanningObjective { PromptLength = 40 },
        };
        var plan = SplitPlanner.Plan(problem).Best!;

        var predicted = Assert.Single(PlanPricing.Predictions(problem, plan));

        // gw[0,1): 2 ms/position; cut: 1 ms + 1 ms/position; peer[1,4)+head: 1.5 ms/position; return 1 ms.
        Assert.Equal("gw", predicted.Gateway);
        Assert.Equal(plan.DecodeStepMs, predicted.DecodeStepMs, 9);
        Assert.Equal(4.5, predicted.PrefillMsPerPosition, 9);
        Assert.Equal(2, predicted.PrefillFixedMs, 9);
        Assert.Equal(plan.PrefillMs, predicted.PrefillFixedMs + (40 * predicted.PrefillMsPerPosition), 9);
    }
}
