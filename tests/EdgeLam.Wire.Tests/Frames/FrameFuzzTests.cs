using System.Buffers.Binary;
using System.Text;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Contracts;
using EdgeLam.Wire.Frames;
using EdgeLam.Wire.Tests.Support;

namespace EdgeLam.Wire.Tests.Frames;

/// <summary>
/// Feeds the reader valid frames, mutated frames (bit flips, truncation, extension, insertion, deletion, overwritten
/// header and descriptor fields) and random bytes. Most mutants get a corrected length field and CRC so the structure
/// checks behind the checksum are exercised. The reader must return a typed error or accept a frame that re-encodes
/// to the same bytes and decodes without error; it must never throw.
/// </summary>
public class FrameFuzzTests
{
    private const int Iterations = 120_000;

    private static readonly string[] RandomNames = ["a", "x", "hidden_states", "position_ids", "attention_bias", "k\u00e9y", "\u6f22\u5b57", "z0", new string('n', 64)];

    private readonly record struct TensorSpot(int Start, int NameLength, int Rank);

    [Fact]
    public void TryRead_120000RandomAndMutatedFrames_TypedErrorOrRoundTrip()
    {
        var random = new Random(20261122);
        FrameContract contract = FrameTestData.Contract();
        var buffer = new byte[16384];
        var rebuilt = new byte[16384];
        var floats = new float[16384];
        var raw = new byte[16384];
        var counts = new int[Enum.GetValues<FrameError>().Length];
        var spots = new List<TensorSpot>();
        int acceptedMutants = 0;

        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            spots.Clear();
            int length;
            bool mutated = true;
            if (random.Next(10) == 0)
            {
                length = RandomBytes(random, buffer);
            }
            else
            {
                length = Generate(random, buffer, spots);
                mutated = random.Next(8) != 0;
                if (mutated)
                {
                    length = Mutate(random, buffer, length, spots);
                }
            }

            ReadOnlySpan<byte> frame = buffer.AsSpan(0, length);
            FrameContract? expected = random.Next(2) == 0 ? contract : null;
            FrameError error;
            try
            {
                error = FrameReader.TryRead(frame, expected, out FrameView view);
                if (error == FrameError.None)
                {
                    AssertRoundTrips(frame, view, rebuilt, floats, raw, iteration);
                    acceptedMutants += mutated ? 1 : 0;
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Iteration {iteration}: the reader threw {e}");
                throw;
            }

            counts[(int)error]++;
        }

        // The fuzzer reached deep into the format: most error kinds (not only CRC failures) and accepted mutants.
        int kinds = counts.Skip(1).Count(c => c > 0);
        Assert.True(kinds >= 20, $"only {kinds} error kinds: {string.Join(", ", counts.Select((c, i) => $"{(FrameError)i}={c}"))}");
        Assert.True(counts[(int)FrameError.None] > Iterations / 20);
        Assert.True(acceptedMutants > 100);
        Assert.True(counts[(int)FrameError.ChecksumMismatch] < Iterations / 4);
    }

    private static void AssertRoundTrips(ReadOnlySpan<byte> frame, FrameView view, byte[] rebuilt, float[] floats, byte[] raw, int iteration)
    {
        var writer = new FrameWriter(rebuilt, view.Header);
        Span<int> shape = stackalloc int[FrameLimits.MaxRank];
        for (int i = 0; i < view.TensorCount; i++)
        {
            TensorView t = view.GetTensor(i);
            Assert.True(t.TryCopyShape(shape));
            writer.WriteEncodedTensor(t.GetName(), t.DType, shape[..t.Rank], t.Codec, t.ScaleData, t.Payload);

            bool floatDecodable = t.DType == WireDType.Float32 || (t.Codec == WireCodec.Raw && t.DType is WireDType.Float16 or WireDType.BFloat16);
            Assert.Equal(floatDecodable ? FrameError.None : FrameError.DestinationMismatch, t.TryDecode(floats));
            bool oneByteRaw = t.Codec == WireCodec.Raw && WireDTypes.SizeOf(t.DType) == 1;
            Assert.Equal(oneByteRaw ? FrameError.None : FrameError.DestinationMismatch, t.TryCopyRaw<byte>(raw));
        }

        int length = writer.Complete();
        Assert.True(frame.SequenceEqual(rebuilt.AsSpan(0, length)), $"Iteration {iteration}: accepted frame does not re-encode to the same bytes");
    }

    private static int RandomBytes(Random random, byte[] buffer)
    {
        int length = random.Next(0, 400);
        random.NextBytes(buffer.AsSpan(0, length));
        if (length >= FrameLayout.HeaderLength + FrameLayout.TrailerLength)
        {
            "ELAF"u8.CopyTo(buffer);
            buffer[4] = 1;
            buffer[5] &= 3;
            buffer[6] = (byte)random.Next(0, 4);
            buffer[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), (uint)length);
            buffer[14] = buffer[15] = 0;
            ManualFrame.Reseal(buffer.AsSpan(0, length));
        }

        return length;
    }

    private static int Generate(Random random, byte[] buffer, List<TensorSpot> spots)
    {
        FrameHeader header = FrameTestData.Header(
            epoch: random.Next(10) == 0 ? (uint)random.Next() : 3,
            boundary: random.Next(10) == 0 ? (ushort)random.Next(4) : (ushort)1) with
        {
            Flags = (FrameFlags)random.Next(4),
            Step = (uint)random.Next(),
            SessionId = new Guid(RandomArray(random, 16)),
        };
        var writer = new FrameWriter(buffer, header);
        int count = random.Next(0, 5);
        var used = new HashSet<string>();
        int seq = random.Next(1, 6);
        for (int t = 0; t < count; t++)
        {
            int start = writer.BytesWritten;
            string name;
            int rank;
            switch (random.Next(4))
            {
                case 0 when used.Add("hidden_states"):
                    name = "hidden_states";
                    rank = 3;
                    writer.WriteTensor(name, [1, seq, 8], (WireCodec)random.Next(4), FloatSamples.Mixed(random, seq * 8));
                    break;
                case 1 when used.Add("position_ids"):
                    name = "position_ids";
                    rank = 2;
                    writer.WriteRawTensor<long>(name, WireDType.Int64, [1, seq], Enumerable.Range(0, seq).Select(i => (long)i).ToArray());
                    break;
                default:
                    name = RandomNames[random.Next(RandomNames.Length)];
                    if (!used.Add(name))
                    {
                        continue;
                    }

                    rank = random.Next(0, 4);
                    int[] shape = Enumerable.Range(0, rank).Select(_ => random.Next(0, 7)).ToArray();
                    int elements = shape.Aggregate(1, (a, b) => a * b);
                    var dtype = (WireDType)random.Next(1, 9);
                    if (dtype == WireDType.Float32)
                    {
                        writer.WriteTensor(name, shape, (WireCodec)random.Next(4), FloatSamples.Mixed(random, elements));
                    }
                    else
                    {
                        writer.WriteRawTensor(name, dtype, shape, RandomArray(random, elements * WireDTypes.SizeOf(dtype)));
                    }

                    break;
            }

            spots.Add(new TensorSpot(start, Encoding.UTF8.GetByteCount(name), rank));
        }

        return writer.Complete();
    }

    private static int Mutate(Random random, byte[] buffer, int length, List<TensorSpot> spots)
    {
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(8))
            {
                case 0: // bit flips
                    for (int f = random.Next(1, 9); f > 0 && length > 0; f--)
                    {
                        buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1: // truncate
                    length = random.Next(0, length + 1);
                    break;
                case 2: // extend
                    int extra = random.Next(1, 64);
                    random.NextBytes(buffer.AsSpan(length, extra));
                    length += extra;
                    break;
                case 3: // insert
                    {
                        int at = random.Next(0, length + 1);
                        int n = random.Next(1, 9);
                        buffer.AsSpan(at, length - at).CopyTo(buffer.AsSpan(at + n));
                        random.NextBytes(buffer.AsSpan(at, n));
                        length += n;
                        break;
                    }

                case 4: // delete
                    if (length > 0)
                    {
                        int at = random.Next(0, length);
                        int n = Math.Min(random.Next(1, 9), length - at);
                        buffer.AsSpan(at + n, length - at - n).CopyTo(buffer.AsSpan(at));
                        length -= n;
                    }

                    break;
                case 5: // header field
                    OverwriteField(random, buffer, length, random.Next(0, FrameLayout.HeaderLength));
                    break;
                default: // descriptor field: name length, dtype, codec, rank, a dimension, scale or payload length
                    if (spots.Count > 0)
                    {
                        TensorSpot spot = spots[random.Next(spots.Count)];
                        int dims = spot.Start + FrameLayout.TensorPrefixLength + spot.NameLength;
                        int offset = random.Next(6) switch
                        {
                            0 => spot.Start,
                            1 => spot.Start + 1,
                            2 => spot.Start + 2,
                            3 => spot.Start + 3,
                            4 => dims + (4 * random.Next(Math.Max(spot.Rank, 1))),
                            _ => dims + (4 * spot.Rank) + (4 * random.Next(2)),
                        };
                        OverwriteField(random, buffer, length, offset);
                    }

                    break;
            }
        }

        if (length >= 12 && random.Next(10) != 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), (uint)length);
        }

        if (random.Next(10) != 0)
        {
            ManualFrame.Reseal(buffer.AsSpan(0, length));
        }

        return length;
    }

    private static void OverwriteField(Random random, byte[] buffer, int length, int offset)
    {
        uint[] interesting = [0, 1, 2, 3, 4, 7, 8, 9, 16, 17, 31, 32, 33, 64, 65, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 1 << 24, (1 << 24) + 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, (uint)length];
        uint value = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (uint)random.Next();
        int width = random.Next(3) switch { 0 => 1, 1 => 2, _ => 4 };
        for (int b = 0; b < width && offset + b < length; b++)
        {
            buffer[offset + b] = (byte)(value >> (8 * b));
        }
    }

    private static byte[] RandomArray(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
