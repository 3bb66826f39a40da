using System.Buffers.Binary;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Contracts;
using EdgeLam.Wire.Frames;
using EdgeLam.Wire.Tests.Support;

namespace EdgeLam.Wire.Tests.Frames;

public class FrameReaderStrictTests
{
    private static readonly byte[] Model = FrameTestData.ModelHash[..16];

    private static FrameError Read(byte[] frame, FrameContract? contract = null) => FrameReader.TryRead(frame, contract, out _);

    private static byte[] F32(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static ManualFrame Valid(ushort? count = null) =>
        new(flags: 1, boundary: 1, epoch: 3, modelId: Model, tensorCount: count);

    private static byte[] Mutate(byte[] frame, Action<byte[]> change, bool reseal = true)
    {
        byte[] copy = (byte[])frame.Clone();
        change(copy);
        if (reseal)
        {
            ManualFrame.Reseal(copy);
        }

        return copy;
    }

    [Fact]
    public void TryRead_ValidHandBuiltFrame_Accepted()
    {
        byte[] frame = Valid().Tensor("x", 1, 0, [2], [], F32(1, 2)).Build();
        Assert.Equal(FrameError.None, Read(frame));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(67)]
    public void TryRead_ShorterThanHeaderAndTrailer_Truncated(int length)
    {
        Assert.Equal(FrameError.Truncated, Read(new byte[length]));
    }

    [Fact]
    public void TryRead_HeaderFieldsCorrupted_TypedErrors()
    {
        byte[] frame = Valid().Tensor("x", 1, 0, [2], [], F32(1, 2)).Build();
        Assert.Equal(FrameError.BadMagic, Read(Mutate(frame, f => f[0] = (byte)'X')));
        Assert.Equal(FrameError.UnsupportedVersion, Read(Mutate(frame, f => f[4] = 2)));
        Assert.Equal(FrameError.LengthMismatch, Read(Mutate(frame, f => f[8]++)));
        Assert.Equal(FrameError.LengthMismatch, Read([.. frame, 0]));
        Assert.Equal(FrameError.ChecksumMismatch, Read(Mutate(frame, f => f[20] ^= 1, reseal: false)));
        Assert.Equal(FrameError.ChecksumMismatch, Read(Mutate(frame, f => f[^1] ^= 0x80, reseal: false)));
        Assert.Equal(FrameError.ReservedBitsSet, Read(Mutate(frame, f => f[5] = 0x04)));
        Assert.Equal(FrameError.ReservedBitsSet, Read(Mutate(frame, f => f[15] = 1)));
        Assert.Equal(FrameError.FrameTooLarge, Read(frame, FrameTestData.Contract(maxFrameLength: frame.Length - 1)));
    }

    [Fact]
    public void TryRead_TensorCountCorrupted_TypedErrors()
    {
        byte[] one = Valid().Tensor("x", 1, 0, [2], [], F32(1, 2)).Build();
        Assert.Equal(FrameError.TooManyTensors, Read(Mutate(one, f => BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(6), 17))));
        Assert.Equal(FrameError.TooManyTensors, Read(Mutate(one, f => BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(6), 0xFFFF))));
        Assert.Equal(FrameError.Truncated, Read(Mutate(one, f => f[6] = 2)));
        Assert.Equal(FrameError.TrailingBytes, Read(Mutate(one, f => f[6] = 0)));
    }

    [Fact]
    public void TryRead_BadNames_InvalidNameOrDuplicate()
    {
        Assert.Equal(FrameError.InvalidName, Read(Valid().Tensor("x", 1, 0, [1], [], F32(1)).Build().Let(f => Reseal(f, 64, 0))));
        Assert.Equal(FrameError.InvalidName, Read(Valid().Tensor(new string('n', 65), 1, 0, [1], [], F32(1)).Build()));
        Assert.Equal(FrameError.InvalidName, Read(Valid().Tensor("\u00e9", 1, 0, [1], [], F32(1)).Build().Let(f => Reseal(f, 69, 0xFF))));
        Assert.Equal(FrameError.DuplicateTensor, Read(Valid().Tensor("x", 1, 0, [1], [], F32(1)).Tensor("x", 1, 0, [1], [], F32(2)).Build()));
    }

    [Fact]
    public void TryRead_BadDTypeCodecRank_TypedErrors()
    {
        Assert.Equal(FrameError.UnknownDType, Read(Valid().Tensor("x", 0, 0, [1], [], F32(1)).Build()));
        Assert.Equal(FrameError.UnknownDType, Read(Valid().Tensor("x", 9, 0, [1], [], F32(1)).Build()));
        Assert.Equal(FrameError.UnknownCodec, Read(Valid().Tensor("x", 1, 4, [1], [], F32(1)).Build()));
        Assert.Equal(FrameError.CodecNotApplicable, Read(Valid().Tensor("x", 4, 1, [1], [], new byte[2]).Build()));
        Assert.Equal(FrameError.RankTooLarge, Read(Valid().Tensor("x", 1, 0, [1, 1, 1, 1, 1, 1, 1, 1, 1], [], F32(1)).Build()));
    }

    [Fact]
    public void TryRead_DimensionsAndLengthsCorrupted_TypedErrors()
    {
        Assert.Equal(FrameError.DimensionTooLarge, Read(Valid().Tensor("x", 1, 0, [(1 << 24) + 1], [], []).Build()));
        Assert.Equal(FrameError.DimensionTooLarge, Read(Valid().Tensor("x", 1, 0, [1 << 24, 1 << 24], [], []).Build()));
        Assert.Equal(FrameError.DimensionTooLarge, Read(Valid().Tensor("x", 1, 0, [uint.MaxValue], [], []).Build()));
        Assert.Equal(FrameError.PayloadLengthMismatch, Read(Valid().Tensor("x", 1, 0, [3], [], F32(1, 2)).Build()));
        Assert.Equal(FrameError.PayloadLengthMismatch, Read(Valid().Tensor("x", 1, 0, [2], [], F32(1, 2), payloadLength: uint.MaxValue).Build()));
        Assert.Equal(FrameError.ScaleLengthMismatch, Read(Valid().Tensor("x", 1, 0, [2], [0, 0], F32(1, 2)).Build()));
        Assert.Equal(FrameError.ScaleLengthMismatch, Read(Valid().Tensor("x", 1, 3, [33], [0, 0], new byte[33]).Build()));

        // Descriptor says 1 M elements (lengths consistent with it) but the frame is tiny: truncated, nothing allocated.
        Assert.Equal(FrameError.Truncated, Read(Valid().Tensor("x", 1, 0, [1 << 20], [], [], payloadLength: 4u << 20).Build()));
        Assert.Equal(FrameError.Truncated, Read(Valid(count: 1).Bytes(1, 1, 0, 0).Build()));
    }

    [Fact]
    public void TryRead_Int8Scales_NegativeOrNonFiniteRejected()
    {
        byte[] q = new byte[32];
        Assert.Equal(FrameError.None, Read(Valid().Tensor("x", 1, 3, [32], [0x00, 0x3C], q).Build()));          // 1.0
        Assert.Equal(FrameError.InvalidScale, Read(Valid().Tensor("x", 1, 3, [32], [0x00, 0xBC], q).Build()));  // -1.0
        Assert.Equal(FrameError.InvalidScale, Read(Valid().Tensor("x", 1, 3, [32], [0x00, 0x7C], q).Build()));  // +inf
        Assert.Equal(FrameError.InvalidScale, Read(Valid().Tensor("x", 1, 3, [32], [0x00, 0x7E], q).Build()));  // NaN
    }

    [Fact]
    public void TryRead_ContractHeaderMismatch_TypedErrors()
    {
        byte[] frame = FrameTestData.Write(2, WireCodec.Raw, epoch: 3, boundary: 1);
        Assert.Equal(FrameError.None, Read(frame, FrameTestData.Contract()));
        Assert.Equal(FrameError.EpochMismatch, Read(frame, FrameTestData.Contract(epoch: 4)));
        Assert.Equal(FrameError.BoundaryMismatch, Read(frame, FrameTestData.Contract(boundary: 0)));
        var otherModel = new FrameContract(ModelId.Parse(new string('0', 32)), 3, 1, FrameTestData.Contract().Tensors);
        Assert.Equal(FrameError.ModelMismatch, Read(frame, otherModel));
        Assert.Equal(FrameError.None, Read(frame, FrameTestData.Contract(epoch: 9).WithPlanEpoch(3)));
    }

    [Fact]
    public void TryRead_ContractTensorMismatch_TypedErrors()
    {
        FrameContract contract = FrameTestData.Contract();
        ManualFrame Frame() => new(flags: 1, boundary: 1, epoch: 3, modelId: Model);
        byte[] Positions(int n) => Enumerable.Range(0, n).SelectMany(i => BitConverter.GetBytes((long)i)).ToArray();

        // Accepted: seq = 2 in both tensors, optional tensor absent or present.
        Assert.Equal(FrameError.None, Read(Frame().Tensor("hidden_states", 1, 1, [1, 2, 8], [], new byte[32]).Tensor("position_ids", 4, 0, [1, 2], [], Positions(2)).Build(), contract));
        Assert.Equal(FrameError.None, Read(Frame().Tensor("position_ids", 4, 0, [1, 2], [], Positions(2)).Tensor("attention_bias", 1, 0, [0], [], []).Tensor("hidden_states", 1, 0, [1, 2, 8], [], new byte[64]).Build(), contract));

        Assert.Equal(FrameError.UnexpectedTensor, Read(Frame().Tensor("logits", 1, 0, [1], [], F32(1)).Build(), contract));
        Assert.Equal(FrameError.MissingTensor, Read(Frame().Tensor("hidden_states", 1, 0, [1, 2, 8], [], new byte[64]).Build(), contract));
        Assert.Equal(FrameError.DTypeMismatch, Read(Frame().Tensor("position_ids", 5, 0, [1, 2], [], new byte[8]).Build(), contract));
        Assert.Equal(FrameError.ShapeMismatch, Read(Frame().Tensor("position_ids", 4, 0, [2], [], Positions(2)).Build(), contract));             // rank
        Assert.Equal(FrameError.ShapeMismatch, Read(Frame().Tensor("position_ids", 4, 0, [2, 1], [], Positions(2)).Build(), contract));          // fixed dim
        Assert.Equal(FrameError.ShapeMismatch, Read(Frame().Tensor("position_ids", 4, 0, [1, 65], [], Positions(65)).Build(), contract));        // symbol bound
        Assert.Equal(FrameError.ShapeMismatch, Read(Frame().Tensor("position_ids", 4, 0, [1, 0], [], []).Build(), contract));                    // symbol min
        Assert.Equal(FrameError.ShapeMismatch, Read(Frame().Tensor("attention_bias", 1, 0, [65], [], new byte[260]).Build(), contract));          // range
        Assert.Equal(FrameError.ShapeMismatch, Read(Frame().Tensor("hidden_states", 1, 0, [1, 2, 8], [], new byte[64]).Tensor("position_ids", 4, 0, [1, 3], [], Positions(3)).Build(), contract)); // seq 2 vs 3
    }

    [Fact]
    public void Read_Throwing_ReportsTheTypedError()
    {
        FrameDecodeException e = Assert.Throws<FrameDecodeException>(() => FrameReader.Read(new byte[3]));
        Assert.Equal(FrameError.Truncated, e.Error);
    }

    [Fact]
    public void FrameContract_InvalidDefinitions_Throw()
    {
        TensorContract t = new("x", WireDType.Float32, DimensionSpec.Fixed(1));
        Assert.Throws<ArgumentException>(() => new FrameContract(FrameTestData.Model, 0, 0, [t, new TensorContract("x", WireDType.Int64)]));
        Assert.Throws<ArgumentException>(() => new FrameContract(FrameTestData.Model, 0, 0, [new TensorContract(new string('x', 65), WireDType.Int64)]));
        Assert.Throws<ArgumentException>(() => new FrameContract(FrameTestData.Model, 0, 0, Enumerable.Range(0, 17).Select(i => new TensorContract("t" + i, WireDType.Int64)).ToArray()));
        Assert.Throws<ArgumentException>(() => new TensorContract("x", WireDType.Float32, Enumerable.Repeat(DimensionSpec.Fixed(1), 9).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => DimensionSpec.Range(3, 2));
        Assert.Throws<ArgumentException>(() => new FrameContract(
            FrameTestData.Model, 0, 0, [new TensorContract("x", WireDType.Float32, Enumerable.Range(0, 8).Select(i => DimensionSpec.Symbolic("s" + i, 0, 9)).ToArray()), new TensorContract("y", WireDType.Float32, DimensionSpec.Symbolic("s8", 0, 1))]));
    }

    /// <summary>Overwrites byte <paramref name="offset"/> with <paramref name="value"/> and re-seals the CRC.</summary>
    private static byte[] Reseal(byte[] frame, int offset, byte value)
    {
        frame[offset] = value;
        ManualFrame.Reseal(frame);
        return frame;
    }
}

internal static class LetExtensions
{
    public static TOut Let<TIn, TOut>(this TIn value, Func<TIn, TOut> f) => f(value);
}
