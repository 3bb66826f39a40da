using EdgeLam.Core.Randomness;
using EdgeLam.Inference.Sampling;

namespace EdgeLam.Inference.Tests;

public sealed class SamplerTests
{
    [Fact]
    public void SplitMix64_Seed1234567_MatchesReferenceImplementation()
    {
        // First output of Vigna's splitmix64.c seeded with 1234567.
        var mix = new SplitMix64(1234567);

        Assert.Equal(6457827717110365317UL, mix.Next());
    }

    [Fact]
    public void ArgMax_Ties_PicksLowestIndex() =>
        Assert.Equal(1, TokenSampler.ArgMax([0f, 3f, 1f, 3f]));

    [Fact]
    public void Sample_Greedy_PicksLargestLogit()
    {
        var sampler = new TokenSampler(4, SamplingOptions.Greedy);

        Assert.Equal(2, sampler.Sample([0.1f, -2f, 5f, 4.9f]));
    }

    [Fact]
    public void Sample_Temperature1_FollowsSoftmax()
    {
        // softmax([ln 3, 0]) = [0.75, 0.25].
        var sampler = new TokenSampler(2, new SamplingOptions { Temperature = 1f, Seed = 9 });
        var zeros = 0;
        const int Draws = 20000;
        for (var i = 0; i < Draws; i++)
        {
            zeros += sampler.Sample([MathF.Log(3f), 0f]) == 0 ? 1 : 0;
        }

        // 5 standard deviations of a binomial(20000, 0.75) are about 0.015.
        Assert.InRange(zeros / (double)Draws, 0.735, 0.765);
    }

    [Fact]
    public void Sample_TopK2_NeverPicksThirdToken()
    {
        var sampler = new TokenSampler(3, new SamplingOptions { Temperature = 1f, TopK = 2, Seed = 1 });
        var seen = new int[3];
        for (var i = 0; i < 5000; i++)
        {
            seen[sampler.Sample([1f, 0.9f, 0.8f])]++;
        }

        Assert.Equal(0, seen[2]);
        Assert.True(seen[0] > 0 && seen[1] > 0);
    }

    [Fact]
    public void Sample_TopP_KeepsSmallestNucleus()
    {
        // Probabilities 0.5, 0.3, 0.2: top-p 0.6 keeps tokens 0 and 1 only (0.5 < 0.6 <= 0.8).
        var sampler = new TokenSampler(3, new SamplingOptions { Temperature = 1f, TopP = 0.6f, Seed = 2 });
        var seen = new int[3];
        for (var i = 0; i < 5000; i++)
        {
            seen[sampler.Sample([MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)])]++;
        }

        Assert.Equal(0, seen[2]);
        Assert.InRange(seen[0] / 5000.0, 0.55, 0.70);
    }

    [Fact]
    public void Sample_SameSeed_SameSequence()
    {
        var options = new SamplingOptions { Temperature = 0.8f, Seed = 77 };
        var a = new TokenSampler(5, options);
        var b = new TokenSampler(5, options);
        float[] logits = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f];

        var first = Enumerable.Range(0, 50).Select(_ => a.Sample(logits)).ToArray();
        var second = Enumerable.Range(0, 50).Select(_ => b.Sample(logits)).ToArray();

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(-1f, 0, 1f)]
    [InlineData(1f, -1, 1f)]
    [InlineData(1f, 0, 0f)]
    [InlineData(1f, 0, 1.5f)]
    public void Options_OutOfRange_Rejected(float temperature, int topK, float topP) =>
        Assert.Throws<ArgumentException>(() => new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP }.Validate());
}
