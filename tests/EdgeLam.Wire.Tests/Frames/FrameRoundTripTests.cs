using System.Buffers;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;
using EdgeLam.Wire.Tests.Support;

namespace EdgeLam.Wire.Tests.Frames;

public class FrameRoundTripTests
{
    [Fact]
    public void Write_TwoTensors_EqualsFrameBuiltFromDocumentedLayout()
    {
        float[] hidden = [1f, -2f, 0.5f, 3f];
        long[] positions = [5, 6];
        var buffer = new byte[512];
        var writer = new FrameWriter(buffer, FrameTestData.Header());
        writer.WriteTensor("h", [1, 2, 2], WireCodec.Raw, hidden);
        writer.WriteRawTensor<long>("p", WireDType.Int64, [1, 2], positions);
        int length = writer.Complete();

        byte[] expected = new ManualFrame(
                flags: 1, boundary: 1, sessionId: Convert.FromHexString("0f8fad5bd9cb469fa16570867728950e"),
                requestId: 0x0102030405060708, step: 9, epoch: 3, modelId: FrameTestData.ModelHash[..16])
            .Tensor("h", dtype: 1, codec: 0, [1, 2, 2], [], hidden.SelectMany(BitConverter.GetBytes).ToArray())
            .Tensor("p", dtype: 4, codec: 0, [1, 2], [], positions.SelectMany(BitConverter.GetBytes).ToArray())
            .Build();

        Assert.Equal(expected, buffer[..length]);
    }

    [Theory]
    [InlineData(WireCodec.Raw)]
    [InlineData(WireCodec.Float16)]
    [InlineData(WireCodec.BFloat16)]
    [InlineData(WireCodec.Int8Block32)]
    public void WriteThenRead_EachCodec_RestoresHeaderShapesAndCodecValues(WireCodec codec)
    {
        const int seq = 5;
        byte[] frame = FrameTestData.Write(seq, codec);

        Assert.Equal(FrameError.None, FrameReader.TryRead(frame, FrameTestData.Contract(), out FrameView view));
        Assert.Equal(FrameTestData.Header(), view.Header);
        Assert.Equal(2, view.TensorCount);
        Assert.Equal(frame.Length, view.Length);

        Assert.True(view.TryGetTensor("hidden_states", out TensorView hidden));
        Assert.Equal("hidden_states", hidden.GetName());
        Assert.Equal(codec, hidden.Codec);
        Assert.Equal(WireDType.Float32, hidden.DType);
        Span<int> shape = stackalloc int[3];
        Assert.True(hidden.TryCopyShape(shape));
        Assert.Equal([1, seq, 8], shape.ToArray());

        float[] source = FrameTestData.Hidden(seq);
        var decoded = new float[source.Length];
        Assert.Equal(FrameError.None, hidden.TryDecode(decoded));
        Assert.Equal(ExpectedAfterCodec(codec, source), decoded);

        Assert.True(view.TryGetTensor("position_ids"u8, out TensorView positions));
        var ids = new long[seq];
        Assert.Equal(FrameError.None, positions.TryCopyRaw<long>(ids));
        Assert.Equal([0L, 1, 2, 3, 4], ids);
        Assert.False(view.TryGetTensor("attention_bias", out _));
    }

    private static float[] ExpectedAfterCodec(WireCodec codec, float[] source)
    {
        // Element-wise references: System.Half, the upper 16 bits after nearest-even rounding (checked in the codec
        // tests), and the int8 encoder's own scales decoded as q·d.
        switch (codec)
        {
            case WireCodec.Float16:
                return source.Select(v => (float)(Half)v).ToArray();
            case WireCodec.BFloat16:
                var b = new ushort[source.Length];
                BFloat16Codec.Encode(source, b);
                return b.Select(BFloat16Codec.FromBFloat16Bits).ToArray();
            case WireCodec.Int8Block32:
                var scales = new ushort[(source.Length + 31) / 32];
                var quants = new sbyte[source.Length];
                Int8Block32Codec.Encode(source, scales, quants);
                return quants.Select((q, i) => q * (float)BitConverter.UInt16BitsToHalf(scales[i / 32])).ToArray();
            default:
                return source;
        }
    }

    [Fact]
    public void Write_IntoReusedArrayBufferWriter_AppendsFramesBackToBack()
    {
        var output = new ArrayBufferWriter<byte>();
        int total = 0;
        for (uint step = 0; step < 3; step++)
        {
            var writer = new FrameWriter(output, 1024, FrameTestData.Header() with { Step = step });
            writer.WriteTensor("x", [3], WireCodec.Float16, [1f, 2f, 3f]);
            total += writer.Complete();
        }

        Assert.Equal(total, output.WrittenCount);
        int frameLength = total / 3;
        for (int i = 0; i < 3; i++)
        {
            FrameView view = FrameReader.Read(output.WrittenSpan.Slice(i * frameLength, frameLength));
            Assert.Equal((uint)i, view.Header.Step);
        }

        output.ResetWrittenCount();
        var again = new FrameWriter(output, 1024, FrameTestData.Header());
        again.Complete();
        Assert.Equal(FrameLayout.HeaderLength + FrameLayout.TrailerLength, output.WrittenCount);
    }

    [Fact]
    public void WriteEncodedTensor_ForwardedTensor_ReproducesFrame()
    {
        byte[] frame = FrameTestData.Write(7, WireCodec.Int8Block32);
        FrameView view = FrameReader.Read(frame);
        var copy = new byte[frame.Length];
        var writer = new FrameWriter(copy, view.Header);
        Span<int> shape = stackalloc int[FrameLimits.MaxRank];
        for (int i = 0; i < view.TensorCount; i++)
        {
            TensorView t = view.GetTensor(i);
            t.TryCopyShape(shape);
            writer.WriteEncodedTensor(t.GetName(), t.DType, shape[..t.Rank], t.Codec, t.ScaleData, t.Payload);
        }

        Assert.Equal(frame.Length, writer.Complete());
        Assert.Equal(frame, copy);
    }

    [Fact]
    public void Write_ZeroTensorsAndEmptyTensor_ReadBack()
    {
        var buffer = new byte[256];
        var writer = new FrameWriter(buffer, FrameTestData.Header());
        writer.WriteTensor("empty", [0, 8], WireCodec.Int8Block32, []);
        writer.WriteTensor("scalar", [], WireCodec.Raw, [7f]);
        int length = writer.Complete();
        FrameView view = FrameReader.Read(buffer.AsSpan(0, length));
        Assert.Equal(0, view.GetTensor(0).ElementCount);
        Assert.Equal(1, view.GetTensor(1).ElementCount);
        var one = new float[1];
        Assert.Equal(FrameError.None, view.GetTensor(1).TryDecode(one));
        Assert.Equal(7f, one[0]);
    }

    [Fact]
    public void TensorView_WrongDestination_ReturnsDestinationMismatch()
    {
        FrameView view = FrameReader.Read(FrameTestData.Write(4, WireCodec.Float16));
        Assert.Equal(FrameError.DestinationMismatch, view.GetTensor(0).TryDecode(new float[31]));
        Assert.Equal(FrameError.DestinationMismatch, view.GetTensor(1).TryDecode(new float[4]));
        Assert.Equal(FrameError.DestinationMismatch, view.GetTensor(0).TryCopyRaw<long>(new long[32]));
        Assert.Equal(FrameError.DestinationMismatch, view.GetTensor(1).TryCopyRaw<int>(new int[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameReader.Read(FrameTestData.Write(4, WireCodec.Raw)).GetTensor(2));
    }

    [Fact]
    public void Writer_Misuse_ThrowsArgumentOrInvalidOperation()
    {
        var buffer = new byte[4096];
        FrameHeader header = FrameTestData.Header();
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer, header).WriteTensor("x", [2, 2], WireCodec.Raw, new float[3]));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer, header).WriteTensor(new string('n', 65), [1], WireCodec.Raw, new float[1]));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer, header).WriteTensor("", [1], WireCodec.Raw, new float[1]));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer, header).WriteRawTensor<long>("x", WireDType.Int32, [1], new long[1]));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer.AsSpan(0, 100), header).WriteTensor("x", [32], WireCodec.Raw, new float[32]));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer.AsSpan(0, 10), header));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer, header with { Flags = (FrameFlags)0x80 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameWriter(buffer, header).WriteTensor("x", [-1], WireCodec.Raw, []));
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new FrameWriter(buffer, header);
            for (int i = 0; i <= FrameLimits.MaxTensors; i++)
            {
                w.WriteTensor("t" + i, [1], WireCodec.Raw, [1f]);
            }
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new FrameWriter(buffer, header);
            w.Complete();
            w.Complete();
        });
    }

    [Fact]
    public void ModelId_ParseAndHash_TakeFirst16BytesOfSha256()
    {
        string sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        ModelId fromHex = ModelId.Parse(sha);
        Assert.Equal("9f86d081884c7d659a2feaa0c55ad015", fromHex.ToString());
        Assert.Equal(fromHex, ModelId.FromHash(Convert.FromHexString(sha)));
        Assert.Equal(fromHex, ModelId.Parse("9F86D081884C7D659A2FEAA0C55AD015"));
        Assert.NotEqual(fromHex, ModelId.Parse(sha[1..] + "0"));
        Assert.Throws<FormatException>(() => ModelId.Parse("xyz"));
        Assert.Throws<FormatException>(() => ModelId.Parse(new string('g', 32)));
        Assert.Throws<ArgumentException>(() => ModelId.FromHash(new byte[20]));
    }
}
