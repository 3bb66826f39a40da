using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Segments;
using EdgeLam.Transport.Handover;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Tests.Handover;

public sealed class KvMessageCodecTests
{
    private static readonly ModelId Model = ModelId.Parse("00112233445566778899aabbccddeeff");
    private static readonly Guid Conversation = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    private static readonly KvHandoverHeader Header = new(Model, Conversation, 3, 4, 17, 5, "gw");

    [Fact]
    public void Encode_Send_DecodesToTheSameTargets()
    {
        var send = new KvSendMessage(Header, [new KvBlockTarget(1, "gw"), new KvBlockTarget(2, "peer-b")]);

        var decoded = Assert.IsType<KvSendMessage>(KvMessageCodec.Decode(KvMessageCodec.Encode(send)));

        Assert.Equal(Header, decoded.Header);
        Assert.Equal(send.Targets, decoded.Targets);
    }

    [Fact]
    public void Encode_Block_DecodesToTheSameBytesAndLayouts()
    {
        var block = new KvBlockMessage(Header, 2, Snapshot(Conversation, 5, seed: 1));

        var decoded = Assert.IsType<KvBlockMessage>(KvMessageCodec.Decode(KvMessageCodec.Encode(block)));

        Assert.Equal(Header, decoded.Header);
        Assert.Equal(2, decoded.Block);
        Assert.Equal(block.Kv.Tensors, decoded.Kv.Tensors);
        Assert.Equal(block.Kv.Data.ToArray(), decoded.Kv.Data.ToArray());
    }

    [Theory]
    [InlineData(true, "")]
    [InlineData(false, "no stage of epoch 4 ✓")]
    public void Encode_Ack_DecodesToTheSameAnswer(bool accepted, string reason)
    {
        var ack = new KvAckMessage(Header, "peer-a", accepted, reason);

        Assert.Equal(ack, KvMessageCodec.Decode(KvMessageCodec.Encode(ack)));
    }

    [Fact]
    public void Decode_PayloadByteFlipped_RefusedNamingTheIntactHeader()
    {
        var bytes = KvMessageCodec.Encode(new KvBlockMessage(Header, 2, Snapshot(Conversation, 5, seed: 2)));
        bytes[^3] ^= 0x10;

        var error = Assert.Throws<KvMessageException>(() => KvMessageCodec.Decode(bytes));

        Assert.Contains("CRC-32C", error.Message, StringComparison.Ordinal);
        Assert.Equal(Header, error.Header);
    }

    [Theory]
    [InlineData(10)] // model id
    [InlineData(40)] // from epoch
    [InlineData(51)] // positions
    public void Decode_HeaderByteFlipped_RefusedWithoutAHeader(int at)
    {
        var bytes = KvMessageCodec.Encode(new KvBlockMessage(Header, 2, Snapshot(Conversation, 5, seed: 3)));
        bytes[at] ^= 0x01;

        var error = Assert.Throws<KvMessageException>(() => KvMessageCodec.Decode(bytes));

        Assert.Null(error.Header);
    }

    [Fact]
    public void Decode_EveryTruncation_RefusedClearly()
    {
        var messages = new KvMessage[]
        {
            new KvSendMessage(Header, [new KvBlockTarget(1, "gw")]),
            new KvBlockMessage(Header, 1, Snapshot(Conversation, 5, seed: 4)),
            new KvAckMessage(Header, "peer-a", false, "no"),
        };

        foreach (var bytes in messages.Select(KvMessageCodec.Encode))
        {
            for (var length = 0; length < bytes.Length; length++)
            {
                Assert.Throws<KvMessageException>(() => KvMessageCodec.Decode(bytes.AsSpan(0, length)));
            }

            var longer = bytes.Append((byte)0).ToArray();
            Assert.Throws<KvMessageException>(() => KvMessageCodec.Decode(longer));
        }
    }

    [Fact]
    public void Decode_RandomBytesAndOtherVersions_RefusedClearly()
    {
        var random = new Random(13);
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (garbage.Length > 4 && i % 2 == 0)
            {
                "EKVH"u8.CopyTo(garbage);
            }

            Assert.Throws<KvMessageException>(() => KvMessageCodec.Decode(garbage));
        }

        var bytes = KvMessageCodec.Encode(new KvAckMessage(Header, "peer-a", true, string.Empty));
        bytes[4] = 2;
        Assert.Contains("version 2", Assert.Throws<KvMessageException>(() => KvMessageCodec.Decode(bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_BlockOfAnotherConversationOrLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => KvMessageCodec.Encode(new KvBlockMessage(Header, 1, Snapshot(Guid.NewGuid(), 5, seed: 5))));
        Assert.Throws<ArgumentException>(() => KvMessageCodec.Encode(new KvBlockMessage(Header, 1, Snapshot(Conversation, 6, seed: 6))));
        Assert.Throws<ArgumentException>(() => KvMessageCodec.Encode(new KvSendMessage(Header, [])));
        Assert.Throws<ArgumentException>(() => KvMessageCodec.Encode(new KvAckMessage(Header with { Gateway = string.Empty }, "peer-a", true, string.Empty)));
    }

    /// <summary>One block's KV (key and value, 2 heads of size 4, float32) at <paramref name="length"/> positions of seeded bytes.</summary>
    private static KvSnapshot Snapshot(Guid conversation, int length, int seed)
    {
        KvTensorLayout[] layouts =
        [
            new("past_key_values.2.key", "present.2.key", TensorElementType.Float32, 2, 4),
            new("past_key_values.2.value", "present.2.value", TensorElementType.Float32, 2, 4),
        ];
        var data = new byte[layouts.Sum(l => l.BytesPerPosition) * length];
        new Random(seed).NextBytes(data);
        return new KvSnapshot(conversation, length, layouts, data);
    }
}
