using EdgeLam.Orchestration.Agreement;

namespace EdgeLam.Orchestration.Tests.Agreement;

public class PlanFollowerTests
{
    private static PlanFollower Peer(string id = "p", long memory = 1000) => new(new NodeLimits(id, "m", memory, IsGateway: false, 0));

    private static AgreedPlan Plan(long number, string orchestrator = "o", string node = "p", int first = 2, PlanPhase phase = PlanPhase.Prepare) =>
        new(new PlanEpoch(number, orchestrator, 1), "m",
            [new PlanAssignment("g", 0, first, true, false, "fp16", 100), new PlanAssignment(node, first, 8, false, true, null, 100)],
            [], 0, phase);

    [Fact]
    public void Receive_PreparePhase_PreparesAndAcksOnlyOncePrepared()
    {
        var follower = Peer();
        var plan = Plan(1);

        var step = follower.Receive(plan);
        var again = follower.Receive(plan); // the retained plan redelivered while loading
        var prepared = follower.Prepared(plan.Epoch);

        Assert.Equal(plan, step.Prepare);
        Assert.Null(step.Ack);
        Assert.Equal(FollowerStep.None, again);
        Assert.True(prepared.Ack!.Accepted);
        Assert.Equal(plan.Epoch, prepared.Ack.Epoch);
        Assert.Null(prepared.Commit);
        Assert.Null(follower.Committed);
    }

    [Fact]
    public void Receive_CommitOfPreparedEpoch_Commits()
    {
        var follower = Peer();
        var plan = Plan(1);
        follower.Receive(plan);
        follower.Prepared(plan.Epoch);

        var step = follower.Receive(plan with { Phase = PlanPhase.Commit });
        var repeat = follower.Receive(plan with { Phase = PlanPhase.Commit });

        Assert.Equal(plan.Epoch, step.Commit!.Epoch);
        Assert.Equal(FollowerStep.None, repeat);
        Assert.Equal(plan.Epoch, follower.Committed!.Epoch);
    }

    [Fact]
    public void Receive_CommitOfOtherPlanWithHeldNumber_IsIgnored()
    {
        var follower = Peer();
        var mine = Plan(3, "a");
        follower.Receive(mine);
        follower.Prepared(mine.Epoch);

        var other = follower.Receive(Plan(3, "b", first: 4, phase: PlanPhase.Commit));
        var otherPrepare = follower.Receive(Plan(3, "z", first: 4));

        Assert.Equal(FollowerStep.None, other);
        Assert.Equal(PlanRefusalReason.StaleEpoch, otherPrepare.Ack!.Reason);
        Assert.Null(follower.Committed);
        Assert.Equal(mine, follower.Held);
    }

    [Fact]
    public void Receive_HigherPlanWhilePreparedUncommitted_AbandonsThePreparedOne()
    {
        var follower = Peer();
        var first = Plan(1);
        follower.Receive(first);
        follower.Prepared(first.Epoch);

        var step = follower.Receive(Plan(2, first: 3));

        Assert.Equal(first, step.Abandon);
        Assert.Equal(2, step.Prepare!.Epoch.Number);
    }

    [Fact]
    public void Receive_HigherPlanAfterCommit_KeepsTheCommittedLayout()
    {
        var follower = Peer();
        var first = Plan(1);
        follower.Receive(first);
        follower.Prepared(first.Epoch);
        follower.Receive(first with { Phase = PlanPhase.Commit });

        var step = follower.Receive(Plan(2, first: 3));

        Assert.Null(step.Abandon);
        Assert.NotNull(step.Prepare);
    }

    [Fact]
    public void Receive_CommittedPlanOnLateStart_PreparesThenCommits()
    {
        var follower = Peer();
        var plan = Plan(5, phase: PlanPhase.Commit);

        var step = follower.Receive(plan);
        var prepared = follower.Prepared(plan.Epoch);

        Assert.Equal(plan, step.Prepare);
        Assert.Null(step.Commit);
        Assert.Equal(plan, prepared.Commit);
        Assert.Equal(plan, follower.Committed);
    }

    [Fact]
    public void PrepareFailed_RefusesAndRepeatsTheRefusal()
    {
        var follower = Peer();
        var plan = Plan(1);
        follower.Receive(plan);

        var failed = follower.PrepareFailed(plan.Epoch, "segment missing");
        var repeat = follower.Receive(plan);
        var commit = follower.Receive(plan with { Phase = PlanPhase.Commit });

        Assert.False(failed.Ack!.Accepted);
        Assert.Equal(PlanRefusalReason.PrepareFailed, failed.Ack.Reason);
        Assert.Equal(failed.Ack, repeat.Ack);
        Assert.Null(commit.Commit);
    }

    [Fact]
    public void Receive_OverMemory_RefusesWithItsLimit()
    {
        var follower = Peer(memory: 50);

        var step = follower.Receive(Plan(1));

        Assert.Null(step.Prepare);
        Assert.Equal(PlanRefusalReason.InsufficientMemory, step.Ack!.Reason);
        Assert.Equal(50, step.Ack.MemoryAvailableBytes);
    }

    [Fact]
    public void Receive_PlanWithoutThisNode_AcksAtOnceWithoutLoading()
    {
        var follower = Peer("idle");

        var step = follower.Receive(Plan(1));

        Assert.Null(step.Prepare);
        Assert.True(step.Ack!.Accepted);
    }

    [Fact]
    public void Receive_CommitOfAPlanWithoutThisNode_CommitsSoItsOlderLayoutsAreReleased()
    {
        var follower = Peer();
        var first = Plan(1);
        follower.Receive(first);
        follower.Prepared(first.Epoch);
        follower.Receive(first with { Phase = PlanPhase.Commit });
        var without = Plan(2, node: "q");

        var prepare = follower.Receive(without);
        var commit = follower.Receive(without with { Phase = PlanPhase.Commit });
        var late = Peer().Receive(Plan(3, node: "q", phase: PlanPhase.Commit)); // a node starting late, with no part

        Assert.Null(prepare.Prepare);
        Assert.True(prepare.Ack!.Accepted);
        Assert.Null(prepare.Commit);
        Assert.Equal(without.Epoch, commit.Commit!.Epoch);
        Assert.Equal(new PlanEpoch(3, "o", 1), late.Commit!.Epoch);
    }
}
