using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Contracts;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Benchmarks.Wire;

/// <summary>
/// The frame a <c>small</c>-preset split sends per step: hidden states [1, tokens, 768] plus int64 position ids
/// [1, tokens], and the receiver's contract for it.
/// </summary>
internal static class FrameFixture
{
    public const int Hidden = 768;

    public static readonly ModelId Model = ModelId.Parse("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");

    public static readonly FrameContract Contract = new(
        Model,
        planEpoch: 3,
        boundaryIndex: 0,
        [
            new TensorContract("hidden_states", WireDType.Float32,
                DimensionSpec.Fixed(1), DimensionSpec.Symbolic("sequence", 1, 4096), DimensionSpec.Fixed(Hidden)),
            new TensorContract("position_ids", WireDType.Int64,
                DimensionSpec.Fixed(1), DimensionSpec.Symbolic("sequence", 1, 4096)),
        ]);

    public static FrameHeader Header(int tokens) => new()
    {
        Flags = tokens > 1 ? FrameFlags.Prefill : FrameFlags.None,
        SessionId = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
        RequestId = 7,
        Step = 0,
        PlanEpoch = 3,
        ModelId = Model,
        BoundaryIndex = 0,
    };

    public static int MaxFrameLength(int tokens) => (int)FrameLayout.FrameLength(
        FrameLayout.TensorLength("hidden_states".Length, 3, WireCodec.Raw, WireDType.Float32, (long)tokens * Hidden)
        + FrameLayout.TensorLength("position_ids".Length, 2, WireCodec.Raw, WireDType.Int64, tokens));

    public static int Write(Span<byte> destination, int tokens, WireCodec codec, ReadOnlySpan<float> hidden, ReadOnlySpan<long> positions)
    {
        var writer = new FrameWriter(destination, Header(tokens));
        writer.WriteTensor("hidden_states", [1, tokens, Hidden], codec, hidden);
        writer.WriteRawTensor("position_ids", WireDType.Int64, [1, tokens], positions);
        return writer.Complete();
    }
}
