using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Tests.Support;

namespace EdgeLam.Wire.Tests.Codecs;

// Reference: System.Half's conversions (IEEE 754 binary16, round to nearest even), an independent implementation.
public class Float16CodecTests
{
    private static void AssertSameHalf(float input, ushort expected, ushort actual)
    {
        if (float.IsNaN(input))
        {
            if (!Half.IsNaN(BitConverter.UInt16BitsToHalf(actual)) || (expected & 0x8000) != (actual & 0x8000))
            {
                Assert.Fail($"NaN input {BitConverter.SingleToUInt32Bits(input):X8} gave {actual:X4}");
            }
        }
        else
        {
            if (expected != actual)
            {
                Assert.Fail($"input {input:R} ({BitConverter.SingleToUInt32Bits(input):X8}): expected {expected:X4}, got {actual:X4}");
            }
        }
    }

    [Fact]
    public void Encode_EveryLength0To300WithSpecialValues_MatchesSystemHalf()
    {
        var random = new Random(16);
        for (int length = 0; length <= 300; length++)
        {
            float[] source = FloatSamples.Mixed(random, length);
            var encoded = new ushort[length + 1];
            encoded[length] = 0xBEEF;
            Float16Codec.Encode(source, encoded);
            for (int i = 0; i < length; i++)
            {
                AssertSameHalf(source[i], BitConverter.HalfToUInt16Bits((Half)source[i]), encoded[i]);
            }

            Assert.Equal(0xBEEF, encoded[length]); // nothing written past the source length
        }
    }

    [Fact]
    public void Encode_SpecialValuesInEveryLane_MatchesSystemHalf()
    {
        // Each special value in each position of a 16-wide and 8-wide vector and in the scalar tail.
        float[] specials = FloatSamples.Specials;
        for (int lane = 0; lane < 19; lane++)
        {
            foreach (float special in specials)
            {
                var source = new float[19];
                source[lane] = special;
                var encoded = new ushort[19];
                Float16Codec.Encode(source, encoded);
                AssertSameHalf(special, BitConverter.HalfToUInt16Bits((Half)special), encoded[lane]);
            }
        }
    }

    [Fact]
    public void Encode_MillionRandomBitPatterns_MatchesSystemHalf()
    {
        var random = new Random(1_000_000);
        var source = new float[1 << 20];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
        }

        var encoded = new ushort[source.Length];
        Float16Codec.Encode(source, encoded);
        for (int i = 0; i < source.Length; i++)
        {
            AssertSameHalf(source[i], BitConverter.HalfToUInt16Bits((Half)source[i]), encoded[i]);
        }
    }

    [Fact]
    public void Decode_All65536Halves_MatchesSystemHalfExactly()
    {
        var halves = new ushort[65536];
        for (int i = 0; i < halves.Length; i++)
        {
            halves[i] = (ushort)i;
        }

        var decoded = new float[halves.Length];
        Float16Codec.Decode(halves, decoded);
        for (int i = 0; i < halves.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(decoded[i]));
                Assert.Equal(float.IsNegative(expected), float.IsNegative(decoded[i]));
            }
            else
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(decoded[i]));
            }
        }
    }

    [Fact]
    public void Decode_EveryLength0To300_MatchesScalarPerElement()
    {
        var random = new Random(61);
        for (int length = 0; length <= 300; length++)
        {
            var halves = new ushort[length];
            for (int i = 0; i < length; i++)
            {
                halves[i] = (ushort)random.Next(65536);
            }

            var decoded = new float[length + 1];
            decoded[length] = 42f;
            Float16Codec.Decode(halves, decoded);
            for (int i = 0; i < length; i++)
            {
                float expected = (float)BitConverter.UInt16BitsToHalf(halves[i]);
                Assert.True(expected.Equals(decoded[i]) || (float.IsNaN(expected) && float.IsNaN(decoded[i])), $"half {halves[i]:X4}");
            }

            Assert.Equal(42f, decoded[length]);
        }
    }

    [Fact]
    public void EncodeDecode_EveryNonNaNHalf_RoundTripsBitExact()
    {
        var halves = Enumerable.Range(0, 65536).Select(i => (ushort)i).Where(h => (h & 0x7C00) != 0x7C00 || (h & 0x03FF) == 0).ToArray();
        var floats = new float[halves.Length];
        var again = new ushort[halves.Length];
        Float16Codec.Decode(halves, floats);
        Float16Codec.Encode(floats, again);
        Assert.Equal(halves, again);
    }

    [Fact]
    public void Encode_DestinationTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() => Float16Codec.Encode(new float[4], new ushort[3]));
    }
}
