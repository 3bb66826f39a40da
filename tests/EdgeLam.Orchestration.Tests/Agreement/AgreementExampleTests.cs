using EdgeLam.Orchestration.Agreement;

namespace EdgeLam.Orchestration.Tests.Agreement;

public class AgreementExampleTests
{
    private static NodeLimits Gateway(string id, long memory = 1000, int floor = 2) => new(id, "m", memory, IsGateway: true, floor);

    private static NodeLimits Peer(string id, long memory = 1000) => new(id, "m", memory, IsGateway: false, 0);

    private static AgreedPlan Plan(long number, string orchestrator, params PlanAssignment[] stages) =>
        new(new PlanEpoch(number, orchestrator, 1), "m", stages, [], 0);

    private static PlanAssignment Stage(string node, int first, int end, long memory = 100) =>
        new(node, first, end, Embedding: first == 0, Head: false, CodecToNext: "fp16", memory);

    [Fact]
    public void Elect_SeveralEligibleOnline_LowestIdWins()
    {
        var view = new[] { new NodeStatus("c", true, true), new NodeStatus("a", true, false), new NodeStatus("b", true, true) };

        Assert.Equal("b", OrchestratorElection.Elect(view));
    }

    [Fact]
    public void Elect_OrchestratorGoesOffline_NextLowestTakesOver()
    {
        var view = new[] { new NodeStatus("a", false, true), new NodeStatus("b", true, true), new NodeStatus("c", true, true) };

        Assert.Equal("b", OrchestratorElection.Elect(view));
    }

    [Fact]
    public void Elect_NoEligibleOnline_ReturnsNull()
    {
        Assert.Null(OrchestratorElection.Elect([new NodeStatus("a", false, true), new NodeStatus("b", true, false)]));
    }

    [Fact]
    public void Propose_AfterObservingRetainedPlan_NumbersAboveIt()
    {
        var proposer = new OrchestratorProposer("b", 7);
        proposer.Observe(new PlanEpoch(5, "a", 3));

        var plan = proposer.Propose("m", [], [], 0);

        Assert.Equal(new PlanEpoch(6, "b", 7), plan.Epoch);
    }

    [Fact]
    public void Receive_HigherEpochThatFits_Accepts()
    {
        var guard = new NodePlanGuard(Gateway("g"));

        var ack = guard.Receive(Plan(1, "g", Stage("g", 0, 3), Stage("p", 3, 6)));

        Assert.True(ack.Accepted);
        Assert.Equal(1, guard.HeldEpoch.Number);
    }

    [Fact]
    public void Receive_DuplicateOfHeldPlan_AcksAgain()
    {
        var guard = new NodePlanGuard(Peer("p"));
        var plan = Plan(1, "g", Stage("p", 3, 6));
        guard.Receive(plan);

        Assert.True(guard.Receive(plan).Accepted);
    }

    [Fact]
    public void Receive_LowerOrTiedEpochFromOtherOrchestrator_RefusesStale()
    {
        var guard = new NodePlanGuard(Peer("p"));
        guard.Receive(Plan(2, "b", Stage("p", 3, 6)));

        var older = guard.Receive(Plan(1, "z", Stage("p", 2, 6)));
        var tiedLowerId = guard.Receive(Plan(2, "a", Stage("p", 2, 6)));

        Assert.Equal(PlanRefusalReason.StaleEpoch, older.Reason);
        Assert.Equal(PlanRefusalReason.StaleEpoch, tiedLowerId.Reason);
        Assert.Equal("b", guard.HeldEpoch.Orchestrator);
    }

    [Fact]
    public void Receive_StagesOverMemory_RefusesInsufficientMemoryAndKeepsHeldPlan()
    {
        var guard = new NodePlanGuard(Peer("p", memory: 150));

        var ack = guard.Receive(Plan(1, "g", Stage("p", 3, 6, memory: 100), Stage("p", 6, 8, memory: 60)));

        Assert.False(ack.Accepted);
        Assert.Equal(PlanRefusalReason.InsufficientMemory, ack.Reason);
        Assert.Null(guard.Held);
    }

    [Fact]
    public void Receive_GatewayStageBelowPrivacyFloor_RefusesPrivacy()
    {
        var guard = new NodePlanGuard(Gateway("g", floor: 4));

        var ack = guard.Receive(Plan(1, "g", Stage("g", 0, 3), Stage("p", 3, 6)));

        Assert.Equal(PlanRefusalReason.PrivacyFloorViolated, ack.Reason);
    }

    [Fact]
    public void Receive_OtherModel_RefusesWrongModel()
    {
        var guard = new NodePlanGuard(Peer("p"));

        var ack = guard.Receive(Plan(1, "g", Stage("p", 3, 6)) with { Model = "other" });

        Assert.Equal(PlanRefusalReason.WrongModel, ack.Reason);
    }
}
