using EdgeLam.Inference.Ranges;

namespace EdgeLam.Inference.Tests.Ranges;

public sealed class ConversationMoveTests
{
    // 4096 KV bytes per position change owner; replay sends 256 activation bytes per position and prefills at 0.1 ms
    // per position after 2 ms of fixed cost.
    private const long KvBytes = 4096;
    private const long ActivationBytes = 256;

    [Fact]
    public void Choose_SlowLinkShortContext_Replay()
    {
        // 1 MB/s, 64 positions: handover 1 + 262.144 ms; replay 2 + 6.4 + 1 + 16.384 ms.
        var choice = ConversationMove.Choose(new MoveCosts(1_000_000, 1, 0.1, 2), 64, KvBytes, ActivationBytes);

        Assert.Equal(MoveMethod.Replay, choice.Method);
        Assert.Equal(263.144, choice.HandoverMs, 1e-9);
        Assert.Equal(25.784, choice.ReplayMs, 1e-9);
    }

    [Fact]
    public void Choose_FastLinkLongContext_Handover()
    {
        // 1 GB/s, 512 positions: handover 1 + 2.097152 ms; replay 2 + 51.2 + 1 + 0.131072 ms.
        var choice = ConversationMove.Choose(new MoveCosts(1_000_000_000, 1, 0.1, 2), 512, KvBytes, ActivationBytes);

        Assert.Equal(MoveMethod.Handover, choice.Method);
        Assert.Equal(3.097152, choice.HandoverMs, 1e-9);
        Assert.Equal(54.331072, choice.ReplayMs, 1e-9);
    }

    [Fact]
    public void Choose_HistoryNotReplayable_HandoverEvenWhenDearer() =>
        Assert.Equal(MoveMethod.Handover, ConversationMove.Choose(new MoveCosts(1_000_000, 1, 0.1, 2), 64, KvBytes, ActivationBytes, canReplay: false).Method);

    [Fact]
    public void Choose_NoBlockChangesOwner_Handover() =>
        Assert.Equal(MoveMethod.Handover, ConversationMove.Choose(new MoveCosts(1_000, 5, 0, 0), 512, 0, 0).Method);

    [Theory]
    [InlineData(0, 1, 0.1, 2)]
    [InlineData(1e6, double.NaN, 0.1, 2)]
    [InlineData(1e6, 1, -0.1, 2)]
    [InlineData(1e6, 1, 0.1, double.PositiveInfinity)]
    public void Choose_BadCost_ArgumentOutOfRange(double bytesPerSecond, double latency, double perPosition, double fixedMs) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ConversationMove.Choose(new MoveCosts(bytesPerSecond, latency, perPosition, fixedMs), 64, KvBytes, ActivationBytes));
}
