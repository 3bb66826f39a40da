using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Segments;

namespace EdgeLam.Inference.Tests.Ranges;

public sealed class KvSnapshotCodecTests
{
    private static readonly KvSnapshot Snapshot = new(
        new Guid("00112233-4455-6677-8899-aabbccddeeff"),
        3,
        [new KvTensorLayout("past_key_values.1.key", "present.1.key", TensorElementType.Float32, 2, 2), new KvTensorLayout("past_key_values.1.value", "present.1.value", TensorElementType.Float16, 1, 4)],
        [.. Enumerable.Range(0, (3 * 2 * 2 * 4) + (3 * 1 * 4 * 2)).Select(i => (byte)i)]);

    [Fact]
    public void Decode_EncodedSnapshot_SameConversationLayoutsAndBytes()
    {
        var decoded = KvSnapshotCodec.Decode(KvSnapshotCodec.Encode(Snapshot));

        Assert.Equal(Snapshot.Conversation, decoded.Conversation);
        Assert.Equal(3, decoded.Length);
        Assert.Equal(Snapshot.Tensors, decoded.Tensors);
        Assert.Equal(Snapshot.Data.ToArray(), decoded.Data.ToArray());
        Assert.Equal(24, decoded.Tensor(1).Length);
    }

    [Fact]
    public void Decode_EveryTruncation_InferenceException()
    {
        var bytes = KvSnapshotCodec.Encode(Snapshot);

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InferenceException>(() => KvSnapshotCodec.Decode(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Decode_ForeignOrDamagedHeader_InferenceException()
    {
        var bytes = KvSnapshotCodec.Encode(Snapshot);
        var foreign = bytes.ToArray();
        foreign[0] = (byte)'X';
        var negative = bytes.ToArray();
        negative[20] = 0xFF;
        negative[23] = 0xFF;
        var badType = bytes.ToArray();
        badType[28 + 2 + "past_key_values.1.key".Length + 2 + "present.1.key".Length] = 99;

        Assert.Throws<InferenceException>(() => KvSnapshotCodec.Decode(foreign));
        Assert.Throws<InferenceException>(() => KvSnapshotCodec.Decode(negative));
        Assert.Throws<InferenceException>(() => KvSnapshotCodec.Decode(badType));
        Assert.Throws<InferenceException>(() => KvSnapshotCodec.Decode([.. bytes, 0]));
    }
}
