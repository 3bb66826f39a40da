using System.Diagnostics;
using EdgeLam.Inference.Chain;

namespace EdgeLam.Inference.Tests.Chain;

[Collection(nameof(ModelsCollection))]
public sealed class StepThrottleTests(ModelsFixture models)
{
    private static readonly ChainOptions Limits = new() { ContextLimit = 256 };

    [Fact]
    public void RunTokens_Throttle3_StepTakesThreeTimesItsOrtTimeAndTheComputeTicksSayIt()
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);
        chain.RunTokens(Guid.NewGuid(), PipelineFactory.Prompt(200, 512)); // warm up
        chain.Throttle = 3;
        var conversation = Guid.NewGuid();

        var start = Stopwatch.GetTimestamp();
        chain.RunTokens(conversation, PipelineFactory.Prompt(200, 512));
        var wall = Stopwatch.GetTimestamp() - start;

        // The segments' own ORT time is the step's real compute; the chain's compute is three times it (the wait
        // overshoots by at most a little), and the wait really happened: the call took at least that long.
        var ort = Sum(chain.SegmentTicks);
        Assert.True(ort > 0);
        Assert.InRange(chain.LastComputeTicks, 3 * ort, (3 * ort) + (Stopwatch.Frequency / 50));
        Assert.True(wall >= chain.LastComputeTicks, $"the call took {wall} ticks, less than the {chain.LastComputeTicks} reported");
        Assert.True(chain.PrefillTicks >= chain.LastComputeTicks);
    }

    [Fact]
    public void RunTokens_DefaultThrottle_ComputeTicksAreTheOrtTime()
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);

        chain.RunTokens(Guid.NewGuid(), PipelineFactory.Prompt(20, 512));

        Assert.Equal(1, chain.Throttle);
        Assert.Equal(Sum(chain.SegmentTicks), chain.LastComputeTicks);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    [InlineData(1001)]
    public void Throttle_OutsideOneToMax_ArgumentOutOfRange(double factor)
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);

        Assert.Throws<ArgumentOutOfRangeException>(() => chain.Throttle = factor);
    }

    [Fact]
    public void Wait_Factor2_WaitsOnceMoreTheComputeTime()
    {
        var compute = Stopwatch.Frequency / 100; // 10 ms

        var start = Stopwatch.GetTimestamp();
        var waited = StepThrottle.Wait(2, compute);
        var elapsed = Stopwatch.GetTimestamp() - start;

        Assert.InRange(waited, compute, compute + (Stopwatch.Frequency / 50));
        Assert.True(elapsed >= waited);
        Assert.Equal(0, StepThrottle.Wait(1, compute));
    }

    private static long Sum(ReadOnlySpan<long> ticks)
    {
        long sum = 0;
        foreach (var t in ticks)
        {
            sum += t;
        }

        return sum;
    }
}
