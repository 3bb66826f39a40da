using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Segments;
using EdgeLam.Transport.Handover;
using EdgeLam.Transport.Layouts;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Tests.Handover;

public sealed class KvInboxTests
{
    private static readonly Guid Conversation = Guid.NewGuid();
    private static readonly KvHandoverHeader Header = new(ModelId.Parse("00112233445566778899aabbccddeeff"), Conversation, 1, 2, 7, 4, "gw");

    [Fact]
    public void Owners_TwoEpochs_EachBlockGoesToItsNewOwnerAndTheMovingOnesAreCounted()
    {
        // Epoch 1: gw [0,1) -> a [1,3) -> b [3,4); epoch 2: gw [0,2) -> b [2,3) -> a [3,4).
        var from = BlockOwners.Of(new NodeLayout(1, 0, 1, WireCodec.Raw, [new(1, "a"), new(3, "b")]), "gw", 4);
        var to = BlockOwners.Of(new NodeLayout(2, 0, 2, WireCodec.Raw, [new(2, "b"), new(3, "a")]), "gw", 4);

        Assert.Equal(["gw", "a", "a", "b"], from);
        Assert.Equal(["gw", "gw", "b", "a"], to);
        var orders = BlockOwners.Orders(from, to);
        Assert.Equal(["gw", "a", "b"], orders.Select(o => o.Node));
        Assert.Equal([new KvBlockTarget(0, "gw")], orders[0].Targets);
        Assert.Equal([new KvBlockTarget(1, "gw"), new KvBlockTarget(2, "b")], orders[1].Targets);
        Assert.Equal([new KvBlockTarget(3, "a")], orders[2].Targets);
        Assert.Equal(3, BlockOwners.Moving(from, to));
    }

    [Fact]
    public void Add_EveryBlockOfTheRangeOnce_CompleteAndMergedInBlockOrder()
    {
        var inbox = new KvInbox(Header, 2, 4, 0);

        Assert.Null(inbox.Add(Block(3)));
        Assert.False(inbox.IsComplete);
        Assert.Null(inbox.Add(Block(3))); // a redelivery: taken once
        Assert.Null(inbox.Add(Block(2)));

        Assert.True(inbox.IsComplete);
        var merged = inbox.Merge();
        Assert.Equal(["past.2.key", "past.2.value", "past.3.key", "past.3.value"], merged.Tensors.Select(t => t.PastName));
        Assert.Equal(4, merged.Length);
    }

    [Fact]
    public void Add_BlockOutsideTheRangeOrOfAnotherLengthOrStep_Refused()
    {
        var inbox = new KvInbox(Header, 2, 4, 0);

        Assert.Contains("not in this node's range", inbox.Add(Block(1)), StringComparison.Ordinal);
        Assert.NotNull(inbox.Add(Block(2, Header with { Step = 8 })));
        Assert.NotNull(inbox.Add(Block(2, Header with { Positions = 5 }, length: 5)));
        Assert.NotNull(inbox.Add(Block(2, length: 3)));
        Assert.False(inbox.IsComplete);
    }

    private static KvBlockMessage Block(int block, KvHandoverHeader? header = null, int length = 4)
    {
        KvTensorLayout[] layouts =
        [
            new("past." + block + ".key", "present." + block + ".key", TensorElementType.Float32, 1, 2),
            new("past." + block + ".value", "present." + block + ".value", TensorElementType.Float32, 1, 2),
        ];
        return new KvBlockMessage(header ?? Header, block, new KvSnapshot(Conversation, length, layouts, new byte[16 * length]));
    }
}
