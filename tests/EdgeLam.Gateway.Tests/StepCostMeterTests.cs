using EdgeLam.Gateway.Hosting;

namespace EdgeLam.Gateway.Tests;

public sealed class StepCostMeterTests
{
    [Fact]
    public void MedianDecodeMs_NoSteps_Null()
    {
        Assert.Null(new StepCostMeter().MedianDecodeMs());
    }

    [Fact]
    public void MedianDecodeMs_OddAndEvenCounts_Median()
    {
        var meter = new StepCostMeter();
        foreach (var ms in new[] { 30.0, 10, 20 })
        {
            meter.Record(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(20.0, meter.MedianDecodeMs()!.Value, 9);
        meter.Record(TimeSpan.FromMilliseconds(40));
        Assert.Equal(25.0, meter.MedianDecodeMs()!.Value, 9);
        Assert.Equal(4, meter.Count);
    }

    [Fact]
    public void MedianDecodeMs_MoreStepsThanTheWindow_OnlyTheRecentOnesCount()
    {
        var meter = new StepCostMeter();
        for (var i = 0; i < StepCostMeter.Window; i++)
        {
            meter.Record(TimeSpan.FromMilliseconds(100));
        }

        for (var i = 0; i < StepCostMeter.Window; i++)
        {
            meter.Record(TimeSpan.FromMilliseconds(8));
        }

        Assert.Equal(8.0, meter.MedianDecodeMs()!.Value, 9);
        Assert.Equal(2 * StepCostMeter.Window, meter.Count);
    }

    [Fact]
    public void SamplePrefill_TotalsGrow_EachSampleIsTheNewTimeOverTheNewPositions()
    {
        var meter = new StepCostMeter();

        meter.SamplePrefill(ticks: 0, positions: 0, ticksPerSecond: 1000);
        Assert.Null(meter.MedianPrefillMsPerPosition());
        meter.SamplePrefill(ticks: 40, positions: 8, ticksPerSecond: 1000);    // 40 ms over 8 positions
        meter.SamplePrefill(ticks: 40, positions: 8, ticksPerSecond: 1000);    // nothing new: no sample
        meter.SamplePrefill(ticks: 100, positions: 14, ticksPerSecond: 1000);  // 60 ms over 6 positions

        Assert.Equal(7.5, meter.MedianPrefillMsPerPosition()!.Value, 9);       // median of 5 and 10
        Assert.Equal(14, meter.PrefillPositions);
    }

    [Fact]
    public void SamplePrefill_TotalsReset_StartsOverFromZero()
    {
        var meter = new StepCostMeter();
        meter.SamplePrefill(ticks: 1000, positions: 10, ticksPerSecond: 1000);

        meter.SamplePrefill(ticks: 30, positions: 3, ticksPerSecond: 1000);    // a new chain: 30 ms over 3 positions

        Assert.Equal(55.0, meter.MedianPrefillMsPerPosition()!.Value, 9);      // median of 100 and 10
    }
}
