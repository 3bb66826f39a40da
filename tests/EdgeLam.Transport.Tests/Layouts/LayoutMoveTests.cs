using EdgeLam.Transport.Layouts;

namespace EdgeLam.Transport.Tests.Layouts;

public sealed class LayoutMoveTests
{
    [Fact]
    public void Choose_NoPredictions_Finishes() =>
        Assert.Equal(LayoutMoveChoice.Finish, LayoutMove.Choose(false, null, null, 100, 100));

    [Fact]
    public void Choose_OldLayoutLostANode_Replays() =>
        Assert.Equal(LayoutMoveChoice.Replay, LayoutMove.Choose(true, new(1, 1, 1), new(50, 1, 1), 100, 1));

    [Fact]
    public void Choose_GainOverRemainingStepsAboveReplay_Replays() =>
        // finish 10 × 20 = 200 ms; move 5 + 0.5 × 100 + 9 × 10 = 145 ms
        Assert.Equal(LayoutMoveChoice.Replay, LayoutMove.Choose(false, new(20, 1, 5), new(10, 0.5, 5), 100, 10));

    [Fact]
    public void Choose_GainBelowReplay_Finishes() =>
        // finish 3 × 20 = 60 ms; move 5 + 0.5 × 100 + 2 × 10 = 75 ms
        Assert.Equal(LayoutMoveChoice.Finish, LayoutMove.Choose(false, new(20, 1, 5), new(10, 0.5, 5), 100, 3));
}
