using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Contracts;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Tests.Frames;

internal static class FrameTestData
{
    public static readonly byte[] ModelHash = Convert.FromHexString("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");

    public static readonly ModelId Model = ModelId.FromHash(ModelHash);

    public static readonly Guid Session = new("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static FrameHeader Header(uint epoch = 3, ushort boundary = 1) => new()
    {
        Flags = FrameFlags.Prefill,
        SessionId = Session,
        RequestId = 0x0102030405060708,
        Step = 9,
        PlanEpoch = epoch,
        ModelId = Model,
        BoundaryIndex = boundary,
    };

    /// <summary>hidden_states float32 [1, seq ≤ 64, 8] and position_ids int64 [1, seq], seq shared.</summary>
    public static FrameContract Contract(uint epoch = 3, ushort boundary = 1, int maxFrameLength = FrameLimits.MaxFrameLength) => new(
        Model,
        epoch,
        boundary,
        [
            new TensorContract("hidden_states", WireDType.Float32,
                DimensionSpec.Fixed(1), DimensionSpec.Symbolic("seq", 1, 64), DimensionSpec.Fixed(8)),
            new TensorContract("position_ids", WireDType.Int64,
                DimensionSpec.Fixed(1), DimensionSpec.Symbolic("seq", 1, 64)),
            new TensorContract("attention_bias", WireDType.Float32, DimensionSpec.Range(0, 64)) { Required = false },
        ],
        maxFrameLength);

    public static float[] Hidden(int seq, int seed = 1)
    {
        var random = new Random(seed);
        var values = new float[seq * 8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 4) - 2);
        }

        return values;
    }

    public static byte[] Write(int seq, WireCodec codec, uint epoch = 3, ushort boundary = 1)
    {
        float[] hidden = Hidden(seq);
        long[] positions = Enumerable.Range(0, seq).Select(i => (long)i).ToArray();
        var buffer = new byte[4096];
        var writer = new FrameWriter(buffer, Header(epoch, boundary));
        writer.WriteTensor("hidden_states", [1, seq, 8], codec, hidden);
        writer.WriteRawTensor<long>("position_ids", WireDType.Int64, [1, seq], positions);
        return buffer.AsSpan(0, writer.Complete()).ToArray();
    }
}
