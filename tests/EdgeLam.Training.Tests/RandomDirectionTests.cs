using EdgeLam.Core.Randomness;
using EdgeLam.Training.ZerothOrder;

namespace EdgeLam.Training.Tests;

public sealed class RandomDirectionTests
{
    [Fact]
    public void SplitMix64_SeedZero_ReferenceSequence()
    {
        // The reference implementation's (Vigna, splitmix64.c) first outputs from state 0.
        var stream = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, stream.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, stream.Next());
        Assert.Equal(0x06C45D188009454FUL, stream.Next());
    }

    [Fact]
    public void Rademacher_TenThousandEntries_PlusOrMinusOneBalancedAndSeedDependent()
    {
        var a = new float[10_000];
        var b = new float[10_000];
        Rademacher.Fill(42, a);
        Rademacher.Fill(43, b);

        Assert.All(a, v => Assert.True(v is 1f or -1f));
        Assert.InRange(a.Average(), -0.05, 0.05);
        var agreeing = a.Zip(b).Count(p => p.First == p.Second);
        Assert.InRange(agreeing, 4_500, 5_500);
    }

    [Fact]
    public void Rademacher_SeedThenBitsInOrder_SignOfEachBit()
    {
        // Entry i takes bit i of the 64-bit draw: 0 → +1, 1 → −1.
        var bits = new SplitMix64(7).Next();
        var z = new float[70];
        Rademacher.Fill(7, z);

        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(((bits >> i) & 1) == 0 ? 1f : -1f, z[i]);
        }
    }

    [Fact]
    public void Perturbed_ThetaAndScale_ThetaPlusScaleTimesZAndThetaUntouched()
    {
        float[] theta = [0.5f, -1f, 2f, 0f, 3.25f];
        var z = new float[5];
        var destination = new float[5];
        Rademacher.Fill(9, z);

        Rademacher.Perturbed(9, 0.25f, theta, destination);

        for (var i = 0; i < theta.Length; i++)
        {
            Assert.Equal(theta[i] + (0.25f * z[i]), destination[i]);
        }

        Assert.Equal([0.5f, -1f, 2f, 0f, 3.25f], theta);
    }

    [Fact]
    public void PerturbationSeed_EachInputChanges_DifferentSeed()
    {
        var seed = PerturbationSeed.Derive(1, 10, 0, "block.3.lora_a");
        Assert.Equal(seed, PerturbationSeed.Derive(1, 10, 0, "block.3.lora_a"));
        Assert.NotEqual(seed, PerturbationSeed.Derive(2, 10, 0, "block.3.lora_a"));
        Assert.NotEqual(seed, PerturbationSeed.Derive(1, 11, 0, "block.3.lora_a"));
        Assert.NotEqual(seed, PerturbationSeed.Derive(1, 10, 1, "block.3.lora_a"));
        Assert.NotEqual(seed, PerturbationSeed.Derive(1, 10, 0, "block.3.lora_b"));
    }

    [Fact]
    public void PerturbationSeed_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => PerturbationSeed.Derive(1, 0, 0, ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => PerturbationSeed.Derive(1, -1, 0, "a"));
        Assert.Throws<ArgumentOutOfRangeException>(() => PerturbationSeed.Derive(1, 0, -1, "a"));
    }
}
