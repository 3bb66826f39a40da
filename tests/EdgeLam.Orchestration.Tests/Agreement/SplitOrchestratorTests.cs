using EdgeLam.Orchestration.Agreement;
using static EdgeLam.Orchestration.Tests.Agreement.OrchestratorSite;

namespace EdgeLam.Orchestration.Tests.Agreement;

public class SplitOrchestratorTests
{
    [Fact]
    public void Decide_BeforeOneEvaluateIntervalActive_WaitsForRetainedState()
    {
        var site = new OrchestratorSite();

        Assert.Empty(site.At(0.5));
        Assert.IsType<ProposePlan>(Assert.Single(site.At(1)));
    }

    [Fact]
    public void Decide_NoPlanInForce_ProposesNodeJoinedOnFastestPeer()
    {
        var site = new OrchestratorSite();

        var proposal = Assert.IsType<ProposePlan>(Assert.Single(site.At(1)));

        Assert.Equal(ResplitReason.NodeJoined, proposal.Reason);
        Assert.Null(proposal.OldStepMs);
        Assert.Equal(PlanPhase.Prepare, proposal.Plan.Phase);
        Assert.Equal(1, Blocks(proposal.Plan, "gw")); // the slow gateway keeps only the privacy floor
        Assert.Equal(7, Blocks(proposal.Plan, "a"));
        Assert.Equal(0, Blocks(proposal.Plan, "b"));
    }

    [Fact]
    public void Decide_SomeNodesAcked_CommitsOnlyAfterTheLast()
    {
        var site = new OrchestratorSite();
        var plan = Assert.IsType<ProposePlan>(Assert.Single(site.At(1))).Plan;

        site.Orchestrator.Ack(new PlanAck("gw", plan.Epoch, true, plan.Epoch));
        site.Orchestrator.Ack(new PlanAck("a", plan.Epoch with { Incarnation = 99 }, true, plan.Epoch)); // another plan's ack
        var early = site.At(2);
        site.Orchestrator.Ack(new PlanAck("a", plan.Epoch, true, plan.Epoch));
        var late = site.At(3);

        Assert.Empty(early);
        var commit = Assert.IsType<CommitPlan>(Assert.Single(late));
        Assert.Equal(plan.Epoch, commit.Plan.Epoch);
        Assert.Equal(PlanPhase.Commit, commit.Plan.Phase);
        Assert.Equal(commit.Plan, site.Orchestrator.Committed);
    }

    [Fact]
    public void Decide_NodeRefusesPrepare_AbandonsNamingReasonAndReplansWithoutIt()
    {
        var site = new OrchestratorSite();
        var plan = Assert.IsType<ProposePlan>(Assert.Single(site.At(1))).Plan;

        site.Orchestrator.Ack(new PlanAck("gw", plan.Epoch, true, plan.Epoch));
        site.Orchestrator.Ack(new PlanAck("a", plan.Epoch, false, plan.Epoch, PlanRefusalReason.PrepareFailed, "model files missing"));
        var decisions = site.At(2);

        Assert.Equal(2, decisions.Count);
        var abandon = Assert.IsType<AbandonPlan>(decisions[0]);
        Assert.Equal(["a"], abandon.Nodes);
        Assert.Contains("PrepareFailed", abandon.Why, StringComparison.Ordinal);
        Assert.Contains("model files missing", abandon.Why, StringComparison.Ordinal);
        var replan = Assert.IsType<ProposePlan>(decisions[1]);
        Assert.Equal(ResplitReason.NodeJoined, replan.Reason);
        Assert.True(replan.Plan.Epoch.Number > plan.Epoch.Number);
        Assert.Equal(0, Blocks(replan.Plan, "a"));
        Assert.Equal(7, Blocks(replan.Plan, "b"));
    }

    [Fact]
    public void Decide_RefusalForMemory_ReplansWithinTheReportedLimit()
    {
        var site = new OrchestratorSite();
        var plan = Assert.IsType<ProposePlan>(Assert.Single(site.At(1))).Plan;

        // Uniform blocks weigh 100 B each: 350 B hold at most 3 blocks.
        site.Orchestrator.Ack(new PlanAck("a", plan.Epoch, false, plan.Epoch, PlanRefusalReason.InsufficientMemory, "needs 700 B", 350));
        var replan = Assert.IsType<ProposePlan>(site.At(2)[1]);

        Assert.Equal(ResplitReason.MemoryPressure, replan.Reason);
        Assert.InRange(Blocks(replan.Plan, "a"), 1, 3);
        Assert.True(replan.Plan.StagesOf("a").Sum(s => s.MemoryBytes) <= 350);
    }

    [Fact]
    public void Decide_NodeSilentPastPrepareTimeout_AbandonsAndReplansWithoutIt()
    {
        var site = new OrchestratorSite();
        var plan = Assert.IsType<ProposePlan>(Assert.Single(site.At(1))).Plan;
        site.Orchestrator.Ack(new PlanAck("gw", plan.Epoch, true, plan.Epoch));

        var before = site.At(1 + site.Options.PrepareTimeout.TotalSeconds - 0.1);
        var after = site.At(1 + site.Options.PrepareTimeout.TotalSeconds);

        Assert.Empty(before);
        Assert.Equal(["a"], Assert.IsType<AbandonPlan>(after[0]).Nodes);
        Assert.Equal(0, Blocks(Assert.IsType<ProposePlan>(after[1]).Plan, "a"));
    }

    [Fact]
    public void Decide_GatewaySilentPastPrepareTimeout_WaitsForItAndCommitsOnItsLateAck()
    {
        var site = new OrchestratorSite();
        var plan = Assert.IsType<ProposePlan>(Assert.Single(site.At(1))).Plan;
        site.Orchestrator.Ack(new PlanAck("a", plan.Epoch, true, plan.Epoch));

        var pastTimeout = site.At(1 + (2 * site.Options.PrepareTimeout.TotalSeconds));
        site.Orchestrator.Ack(new PlanAck("gw", plan.Epoch, true, plan.Epoch));
        var acked = site.At(2 + (2 * site.Options.PrepareTimeout.TotalSeconds));

        Assert.Empty(pastTimeout);
        Assert.Equal(plan.Epoch, Assert.IsType<CommitPlan>(Assert.Single(acked)).Plan.Epoch);
    }

    [Fact]
    public void Decide_SilentPeerAcksLate_PlannedWithAgain()
    {
        var site = new OrchestratorSite();
        var plan = Assert.IsType<ProposePlan>(Assert.Single(site.At(1))).Plan;
        site.Orchestrator.Ack(new PlanAck("gw", plan.Epoch, true, plan.Epoch));
        var replan = Assert.IsType<ProposePlan>(site.At(1 + site.Options.PrepareTimeout.TotalSeconds)[1]).Plan;
        Assert.Equal(0, Blocks(replan, "a"));

        site.Orchestrator.Ack(new PlanAck("a", plan.Epoch, true, plan.Epoch)); // the abandoned plan's ack, late
        site.Orchestrator.Ack(new PlanAck("gw", replan.Epoch, true, replan.Epoch));
        site.Orchestrator.Ack(new PlanAck("b", replan.Epoch, true, replan.Epoch));
        var decisions = Enumerable.Range(100, 20).SelectMany(t => site.At(t)).ToList();

        Assert.IsType<CommitPlan>(decisions[0]);
        var back = Assert.Single(decisions.OfType<ProposePlan>());
        Assert.Equal(ResplitReason.NodeJoined, back.Reason);
        Assert.Equal(7, Blocks(back.Plan, "a"));
    }

    [Fact]
    public void Decide_PeerOfPlanInForceGoesOffline_ReplansAtOnceNamingItLost()
    {
        var site = new OrchestratorSite();
        site.CommitFirst();

        site.Offline("a");
        var proposal = Assert.IsType<ProposePlan>(Assert.Single(site.At(1.2)));

        Assert.Equal(ResplitReason.NodeLeft, proposal.Reason);
        Assert.Equal(["a"], proposal.Plan.Lost);
        Assert.Equal(7, Blocks(proposal.Plan, "b"));
    }

    [Fact]
    public void Decide_FasterNodeJoinsAfterCommit_ResplitsNodeJoinedAfterHoldFor()
    {
        var site = new OrchestratorSite();
        site.CommitFirst();

        site.Node("c", 0.25);
        var early = site.At(2).Concat(site.At(4.9)).ToList();
        var proposal = Assert.IsType<ProposePlan>(Assert.Single(site.At(5)));

        Assert.Empty(early);
        Assert.Equal(ResplitReason.NodeJoined, proposal.Reason);
        Assert.Equal(7, Blocks(proposal.Plan, "c"));
    }

    [Fact]
    public void Decide_GainThatFlickers_NeverResplits()
    {
        var site = new OrchestratorSite();
        site.CommitFirst();

        var decisions = new List<OrchestratorDecision>();
        for (var t = 2; t <= 30; t++)
        {
            site.Node("a", t % 2 == 0 ? 16 : 1); // slowed 16x every other second
            decisions.AddRange(site.At(t));
        }

        Assert.Empty(decisions);
    }

    [Fact]
    public void Decide_GainSustained_ResplitsAfterHoldForNotBefore()
    {
        var site = new OrchestratorSite();
        site.CommitFirst();

        site.Node("a", 16); // a peer slowed 16x: b (8 ms/unit) is now twice as fast
        var during = new List<OrchestratorDecision>();
        for (var t = 2.0; t < 2 + site.Options.HoldFor.TotalSeconds; t += 0.5)
        {
            during.AddRange(site.At(t));
        }

        var proposal = Assert.IsType<ProposePlan>(Assert.Single(site.At(2 + site.Options.HoldFor.TotalSeconds)));

        Assert.Empty(during);
        Assert.Equal(ResplitReason.CapacityGain, proposal.Reason);
        Assert.True(proposal.PredictedGain >= site.Options.GainThreshold, $"gain {proposal.PredictedGain}");
        Assert.True(Blocks(proposal.Plan, "b") > Blocks(proposal.Plan, "a"));
    }

    [Fact]
    public void Decide_PeerRestoredAfterResplit_MovesBackOnlyAfterHoldFor()
    {
        var site = new OrchestratorSite();
        site.CommitFirst();
        site.Node("a", 16);
        site.At(2);
        var moved = Assert.IsType<ProposePlan>(Assert.Single(site.At(5))).Plan;
        site.AckAll(moved);
        Assert.IsType<CommitPlan>(Assert.Single(site.At(5.5)));

        site.Node("a", 1);
        var early = site.At(6).Concat(site.At(8.9)).ToList();
        var back = Assert.IsType<ProposePlan>(Assert.Single(site.At(9)));

        Assert.Empty(early);
        Assert.Equal(ResplitReason.CapacityGain, back.Reason);
        Assert.Equal(7, Blocks(back.Plan, "a"));
    }

    [Fact]
    public void Decide_MeasuredStepOverTargetSustained_ResplitsForQos()
    {
        // A gain threshold no small improvement reaches: only the QoS target can move the split.
        var site = new OrchestratorSite(new OrchestrationOptions { GainThreshold = 0.9, StepTargetMs = 50 });
        site.CommitFirst();
        site.Node("a", 4);
        site.Node("b", 3.5); // b now a little faster than a: a gain far below the threshold
        site.Orchestrator.StepMeasured(80, TimeSpan.FromSeconds(2));

        var early = site.At(2).Concat(site.At(4.9)).ToList();
        var qos = site.At(5);

        Assert.Empty(early);
        var proposal = Assert.IsType<ProposePlan>(Assert.Single(qos));
        Assert.Equal(ResplitReason.QosBreach, proposal.Reason);
        Assert.True(proposal.NewStepMs < proposal.OldStepMs);
    }

    [Fact]
    public void Decide_MemoryOfPlanInForceShrinks_ResplitsAtOnce()
    {
        var site = new OrchestratorSite();
        site.CommitFirst();

        site.Node("a", 1, memory: 300); // 7 blocks of 100 B no longer fit
        var proposal = Assert.IsType<ProposePlan>(Assert.Single(site.At(1.2)));

        Assert.Equal(ResplitReason.MemoryPressure, proposal.Reason);
        Assert.InRange(Blocks(proposal.Plan, "a"), 0, 3);
    }

    [Fact]
    public void Decide_AfterCommitWithMeasurements_ReportsRealizedGain()
    {
        var site = new OrchestratorSite();
        site.Orchestrator.StepMeasured(120, TimeSpan.FromSeconds(0.5));
        var plan = site.CommitFirst();

        site.Orchestrator.StepMeasured(30, TimeSpan.FromSeconds(5));
        var realized = Assert.IsType<RealizedGain>(Assert.Single(site.At(5)));

        Assert.Equal(plan.Epoch, realized.Epoch);
        Assert.Equal(120, realized.BeforeMs);
        Assert.Equal(30, realized.AfterMs);
        Assert.Equal(0.75, realized.Gain, 6);
    }

    [Fact]
    public void Plan_RetainedCommittedPlanOfFormerOrchestrator_IsInForceAndNumberedAbove()
    {
        var site = new OrchestratorSite();
        var former = new AgreedPlan(
            new PlanEpoch(41, "old", 5),
            "m",
            [new PlanAssignment("gw", 0, 1, true, false, "raw", 100), new PlanAssignment("a", 1, 8, false, true, null, 700)],
            [],
            0,
            PlanPhase.Commit);

        site.Orchestrator.Plan(former);
        site.Offline("a");
        var proposal = Assert.IsType<ProposePlan>(Assert.Single(site.At(1)));

        Assert.Equal(former, site.Orchestrator.Committed);
        Assert.Equal(42, proposal.Plan.Epoch.Number);
        Assert.Equal(ResplitReason.NodeLeft, proposal.Reason);
    }

    [Fact]
    public void Decide_Inactive_DecidesNothing()
    {
        var site = new OrchestratorSite();
        site.Orchestrator.Deactivate();

        Assert.Empty(site.At(10));
    }
}
