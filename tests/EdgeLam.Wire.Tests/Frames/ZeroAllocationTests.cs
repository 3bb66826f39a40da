using EdgeLam.Wire.Checksums;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Contracts;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Wire.Tests.Frames;

public class ZeroAllocationTests
{
    private sealed class Buffers
    {
        public float[] Hidden = FrameTestData.Hidden(64);
        public float[] Decoded = new float[64 * 8];
        public long[] Positions = Enumerable.Range(0, 64).Select(i => (long)i).ToArray();
        public long[] DecodedPositions = new long[64];
        public ushort[] Halves = new ushort[64 * 8];
        public ushort[] Scales = new ushort[16];
        public sbyte[] Quants = new sbyte[64 * 8];
        public byte[] Frame = new byte[8192];
        public FrameContract Contract = FrameTestData.Contract();

        // Shapes live in reused arrays: a collection expression such as [1, 64, 8] is static data in optimized
        // builds but the Debug compiler output allocates it on every call.
        public int[] HiddenShape = [1, 64, 8];
        public int[] PositionShape = [1, 64];
    }

    private static int Step(Buffers b, WireCodec codec)
    {
        Float16Codec.Encode(b.Hidden, b.Halves);
        Float16Codec.Decode(b.Halves, b.Decoded);
        BFloat16Codec.Encode(b.Hidden, b.Halves);
        BFloat16Codec.Decode(b.Halves, b.Decoded);
        Int8Block32Codec.Encode(b.Hidden, b.Scales, b.Quants);
        Int8Block32Codec.Decode(b.Scales, b.Quants, b.Decoded);

        var writer = new FrameWriter(b.Frame, FrameTestData.Header());
        writer.WriteTensor("hidden_states", b.HiddenShape, codec, b.Hidden);
        writer.WriteRawTensor<long>("position_ids", WireDType.Int64, b.PositionShape, b.Positions);
        int length = writer.Complete();

        int failures = 0;
        failures += FrameReader.TryRead(b.Frame.AsSpan(0, length), b.Contract, out FrameView view) == FrameError.None ? 0 : 1;
        failures += view.TryGetTensor("hidden_states", out TensorView hidden) ? 0 : 1;
        failures += hidden.TryDecode(b.Decoded) == FrameError.None ? 0 : 1;
        failures += view.GetTensor(1).TryCopyRaw<long>(b.DecodedPositions) == FrameError.None ? 0 : 1;
        failures += Crc32C.Compute(b.Frame.AsSpan(0, length)) != 0 ? 0 : 1;
        return failures;
    }

    [Fact]
    public void CodecsWriterReader_SteadyState_AllocateNothing()
    {
        var buffers = new Buffers();
        WireCodec[] codecs = Enum.GetValues<WireCodec>();
        int failures = 0;
        for (int i = 0; i < 200; i++)
        {
            failures += Step(buffers, codecs[i % codecs.Length]);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            failures += Step(buffers, codecs[i % codecs.Length]);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryRead_RejectedFrames_AllocateNothing()
    {
        var frame = new byte[1024];
        new Random(9).NextBytes(frame);
        FrameContract contract = FrameTestData.Contract();
        byte[] valid = FrameTestData.Write(4, WireCodec.Int8Block32);
        valid[^1] ^= 1;
        for (int i = 0; i < 100; i++)
        {
            FrameReader.TryRead(frame, contract, out _);
            FrameReader.TryRead(valid, contract, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int rejected = 0;
        for (int i = 0; i < 2000; i++)
        {
            frame[0] = (byte)i;
            rejected += FrameReader.TryRead(frame.AsSpan(0, 100 + (i % 900)), contract, out _) != FrameError.None ? 1 : 0;
            rejected += FrameReader.TryRead(valid, contract, out _) == FrameError.ChecksumMismatch ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(4000, rejected);
    }
}
