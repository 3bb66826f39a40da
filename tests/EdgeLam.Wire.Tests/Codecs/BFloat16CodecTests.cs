using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Tests.Support;

namespace EdgeLam.Wire.Tests.Codecs;

public class BFloat16CodecTests
{
    /// <summary>
    /// Round to nearest, ties to even, computed from distances in double between the two bfloat16 neighbours
    /// (the value just above float.MaxValue's neighbour counts as 2^128, i.e. rounds to infinity).
    /// </summary>
    private static ushort Reference(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint low = bits & 0xFFFF0000u;
        float lowValue = BitConverter.UInt32BitsToSingle(low);
        if (lowValue == value)
        {
            return (ushort)(low >> 16);
        }

        uint high = low + 0x10000u;
        double highValue = (high & 0x7FFFFFFFu) == 0x7F800000u
            ? Math.CopySign(Math.Pow(2, 128), value)
            : BitConverter.UInt32BitsToSingle(high);
        double toLow = Math.Abs((double)value - lowValue);
        double toHigh = Math.Abs(highValue - value);
        if (toLow != toHigh)
        {
            return (ushort)((toLow < toHigh ? low : high) >> 16);
        }

        return (ushort)(((low >> 16) & 1) == 0 ? low >> 16 : high >> 16);
    }

    private static void AssertEncoded(float input, ushort actual)
    {
        if (float.IsNaN(input))
        {
            // NaN stays NaN: sign and upper payload kept, quiet bit set.
            ushort quiet = (ushort)((BitConverter.SingleToUInt32Bits(input) >> 16) | 0x40);
            if (quiet != actual)
            {
                Assert.Fail($"NaN input {BitConverter.SingleToUInt32Bits(input):X8}: expected {quiet:X4}, got {actual:X4}");
            }
        }
        else
        {
            ushort expected = Reference(input);
            if (expected != actual)
            {
                Assert.Fail($"input {input:R} ({BitConverter.SingleToUInt32Bits(input):X8}): expected {expected:X4}, got {actual:X4}");
            }
        }
    }

    [Fact]
    public void Encode_EveryLength0To300WithSpecialValues_MatchesNearestEvenReference()
    {
        var random = new Random(32);
        for (int length = 0; length <= 300; length++)
        {
            float[] source = FloatSamples.Mixed(random, length);
            var encoded = new ushort[length + 1];
            encoded[length] = 0xBEEF;
            BFloat16Codec.Encode(source, encoded);
            for (int i = 0; i < length; i++)
            {
                AssertEncoded(source[i], encoded[i]);
            }

            Assert.Equal(0xBEEF, encoded[length]);
        }
    }

    [Fact]
    public void Encode_SpecialValuesInEveryLane_MatchesReference()
    {
        for (int lane = 0; lane < 19; lane++)
        {
            foreach (float special in FloatSamples.Specials)
            {
                var source = new float[19];
                source[lane] = special;
                var encoded = new ushort[19];
                BFloat16Codec.Encode(source, encoded);
                AssertEncoded(special, encoded[lane]);
            }
        }
    }

    [Fact]
    public void Encode_TiesAndOverflow_FollowIeeeRules()
    {
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even mantissa (1.0).
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties to 1 + 2^-6.
        // float.MaxValue is above the midpoint between bfloat16's max (0x7F7F) and 2^128: infinity.
        ushort[] encoded = new ushort[4];
        BFloat16Codec.Encode([1f + MathF.Pow(2, -8), 1f + (3 * MathF.Pow(2, -8)), float.MaxValue, -0f], encoded);
        Assert.Equal([0x3F80, 0x3F82, 0x7F80, 0x8000], encoded);
    }

    [Fact]
    public void Encode_MillionRandomBitPatterns_MatchesReference()
    {
        var random = new Random(2);
        var source = new float[1 << 20];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
        }

        var encoded = new ushort[source.Length];
        BFloat16Codec.Encode(source, encoded);
        for (int i = 0; i < source.Length; i++)
        {
            AssertEncoded(source[i], encoded[i]);
        }
    }

    [Fact]
    public void Decode_EveryLength0To300_IsUpperHalfOfFloat32()
    {
        var random = new Random(23);
        for (int length = 0; length <= 300; length++)
        {
            var values = new ushort[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = (ushort)random.Next(65536);
            }

            var decoded = new float[length + 1];
            decoded[length] = 42f;
            BFloat16Codec.Decode(values, decoded);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal((uint)values[i] << 16, BitConverter.SingleToUInt32Bits(decoded[i]));
            }

            Assert.Equal(42f, decoded[length]);
        }
    }
}
