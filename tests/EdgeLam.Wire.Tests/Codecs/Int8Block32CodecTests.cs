using EdgeLam.Benchmarks.Fidelity;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Tests.Support;

namespace EdgeLam.Wire.Tests.Codecs;

public class Int8Block32CodecTests
{
    /// <summary>
    /// ggml's quantize_row_q8_0_ref per block (d = amax/127, id = 1/d, q = roundf(x·id), d stored as fp16 via
    /// System.Half), with the documented rules for non-finite input: amax over finite values, NaN → 0, ±∞ → ±127,
    /// d capped at 65504.
    /// </summary>
    private static (ushort[] Scales, sbyte[] Quants) Reference(float[] x)
    {
        int blocks = (x.Length + 31) / 32;
        var scales = new ushort[blocks];
        var quants = new sbyte[x.Length];
        for (int b = 0; b < blocks; b++)
        {
            int start = b * 32;
            int end = Math.Min(start + 32, x.Length);
            float amax = 0;
            for (int i = start; i < end; i++)
            {
                if (float.IsFinite(x[i]))
                {
                    amax = Math.Max(amax, Math.Abs(x[i]));
                }
            }

            float d = Math.Min(amax / 127f, 65504f);
            float id = d != 0 ? 1f / d : 0f;
            scales[b] = BitConverter.HalfToUInt16Bits((Half)d);
            for (int i = start; i < end; i++)
            {
                float v = x[i] * id;
                quants[i] = float.IsNaN(v) ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(v, MidpointRounding.AwayFromZero), -127f, 127f);
            }
        }

        return (scales, quants);
    }

    [Fact]
    public void Encode_EveryLength0To300WithSpecialValues_MatchesGgmlReference()
    {
        var random = new Random(8);
        for (int length = 0; length <= 300; length++)
        {
            float[] source = random.Next(2) == 0 ? FloatSamples.Mixed(random, length) : FloatSamples.Gaussian(random, length, 1.5);
            (ushort[] expectedScales, sbyte[] expectedQuants) = Reference(source);
            var scales = new ushort[expectedScales.Length];
            var quants = new sbyte[length];
            Int8Block32Codec.Encode(source, scales, quants);
            Assert.Equal(expectedScales, scales);
            Assert.Equal(expectedQuants, quants);
        }
    }

    [Theory]
    [InlineData(256)]
    [InlineData(1000)]
    [InlineData(4096 + 17)]
    public void Encode_LongInputsWithSpecialValues_MatchesGgmlReference(int length)
    {
        var random = new Random(length);
        float[] source = FloatSamples.Mixed(random, length);
        (ushort[] expectedScales, sbyte[] expectedQuants) = Reference(source);
        var scales = new ushort[expectedScales.Length];
        var quants = new sbyte[length];
        Int8Block32Codec.Encode(source, scales, quants);
        Assert.Equal(expectedScales, scales);
        Assert.Equal(expectedQuants, quants);
    }

    [Fact]
    public void Encode_RampBlock_GivesHandComputedQuants()
    {
        // x = 0..31: amax 31, d = 31/127, q = round(x·127/31): 1 → 4.097 → 4, 15 → 61.45 → 61, 31 → 127.
        float[] ramp = Enumerable.Range(0, 32).Select(i => (float)i).ToArray();
        var scales = new ushort[1];
        var quants = new sbyte[32];
        Int8Block32Codec.Encode(ramp, scales, quants);
        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)(31f / 127f)), scales[0]);
        Assert.Equal(0, quants[0]);
        Assert.Equal(4, quants[1]);
        Assert.Equal(61, quants[15]);
        Assert.Equal(127, quants[31]);
    }

    [Fact]
    public void Encode_NonFiniteValues_FollowDocumentedRules()
    {
        float[] block = new float[32];
        block[0] = float.NaN;
        block[1] = float.PositiveInfinity;
        block[2] = float.NegativeInfinity;
        block[3] = 2f;
        block[4] = -1f;
        var scales = new ushort[1];
        var quants = new sbyte[32];
        Int8Block32Codec.Encode(block, scales, quants);
        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)(2f / 127f)), scales[0]);
        Assert.Equal([0, 127, -127, 127, -64], quants[..5]); // -1·127/2 = -63.5 → -64 (half away from zero)

        // A block with nothing finite and non-zero has scale 0 and quantizes to 0.
        Int8Block32Codec.Encode([float.PositiveInfinity, float.NaN], scales, quants);
        Assert.Equal(0, scales[0]);
        Assert.Equal([0, 0], quants[..2]);
    }

    [Fact]
    public void Encode_HugeValues_ScaleSaturatesAtHalfMax()
    {
        var scales = new ushort[1];
        var quants = new sbyte[2];
        Int8Block32Codec.Encode([1e30f, -1e30f], scales, quants);
        Assert.Equal(BitConverter.HalfToUInt16Bits(Half.MaxValue), scales[0]);
        Assert.Equal([127, -127], quants);
    }

    [Fact]
    public void Decode_EveryLength0To300_IsQuantTimesScale()
    {
        var random = new Random(80);
        for (int length = 0; length <= 300; length++)
        {
            int blocks = (length + 31) / 32;
            var scales = new ushort[blocks];
            for (int b = 0; b < blocks; b++)
            {
                scales[b] = BitConverter.HalfToUInt16Bits((Half)(random.NextDouble() * 0.1));
            }

            var quants = new sbyte[length];
            for (int i = 0; i < length; i++)
            {
                quants[i] = (sbyte)random.Next(-128, 128);
            }

            var decoded = new float[length + 1];
            decoded[length] = 42f;
            Int8Block32Codec.Decode(scales, quants, decoded);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(quants[i] * (float)BitConverter.UInt16BitsToHalf(scales[i / 32]), decoded[i]);
            }

            Assert.Equal(42f, decoded[length]);
        }
    }

    [Fact]
    public void EncodeDecode_GaussianActivations_ErrorWithinHalfStepAndCosineNearOne()
    {
        var random = new Random(5);
        float[] source = FloatSamples.Gaussian(random, 768 * 4, 2.0);
        var scales = new ushort[source.Length / 32];
        var quants = new sbyte[source.Length];
        var decoded = new float[source.Length];
        Int8Block32Codec.Encode(source, scales, quants);
        Int8Block32Codec.Decode(scales, quants, decoded);

        for (int i = 0; i < source.Length; i++)
        {
            // Half a quantization step, plus the error from storing d as binary16 (relative 2^-11, times |q| ≤ 127).
            float d = (float)BitConverter.UInt16BitsToHalf(scales[i / 32]);
            double bound = (d / 2 * 1.001) + (127 * d * Math.Pow(2, -11));
            Assert.True(Math.Abs(decoded[i] - source[i]) <= bound, $"element {i}: {source[i]} → {decoded[i]}");
        }

        Assert.True(FidelityMetrics.CosineSimilarity(source, decoded) > 0.9999);
    }
}
