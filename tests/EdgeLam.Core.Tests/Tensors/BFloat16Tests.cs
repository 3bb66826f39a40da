using EdgeLam.Core.Tensors;

namespace EdgeLam.Core.Tests.Tensors;

public sealed class BFloat16Tests
{
    // Expected bit patterns: bfloat16 is the top 16 bits of IEEE binary32 (1.0f = 0x3F800000, -2.0f = 0xC0000000).
    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(0.0f, 0x0000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    public void FromSingle_ExactValue_KeepsTheUpperBits(float value, int bits)
    {
        Assert.Equal((ushort)bits, BFloat16.FromSingle(value).Bits);
        Assert.Equal(value, BFloat16.FromBits((ushort)bits).ToSingle());
    }

    [Fact]
    public void FromSingle_HalfwayToEvenNeighbour_RoundsToEven()
    {
        // 1 + 2^-8 lies halfway between 1 (0x3F80, even) and 1 + 2^-7 (0x3F81): ties go to even.
        Assert.Equal(0x3F80, BFloat16.FromSingle(1f + MathF.Pow(2, -8)).Bits);
        // 1 + 3 * 2^-8 lies halfway between 0x3F81 (odd) and 0x3F82 (even).
        Assert.Equal(0x3F82, BFloat16.FromSingle(1f + (3 * MathF.Pow(2, -8))).Bits);
    }

    [Fact]
    public void FromSingle_AboveHalfway_RoundsUp()
    {
        Assert.Equal(0x3F81, BFloat16.FromSingle(1f + MathF.Pow(2, -8) + MathF.Pow(2, -20)).Bits);
    }

    [Fact]
    public void FromSingle_NaN_StaysNaN()
    {
        var nanWithLowPayloadOnly = BitConverter.UInt32BitsToSingle(0x7F800001);

        Assert.True(float.IsNaN(BFloat16.FromSingle(float.NaN).ToSingle()));
        Assert.True(float.IsNaN(BFloat16.FromSingle(nanWithLowPayloadOnly).ToSingle()));
    }
}
