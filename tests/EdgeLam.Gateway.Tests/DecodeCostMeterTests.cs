using EdgeLam.Gateway.Hosting;

namespace EdgeLam.Gateway.Tests;

public sealed class DecodeCostMeterTests
{
    [Fact]
    public void MedianMsPerLayer_NoSteps_Null()
    {
        Assert.Null(new DecodeCostMeter().MedianMsPerLayer(4));
    }

    [Fact]
    public void MedianMsPerLayer_OddAndEvenCounts_MedianDividedByLayers()
    {
        var meter = new DecodeCostMeter();
        foreach (var ms in new[] { 30.0, 10, 20 })
        {
            meter.Record(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(5.0, meter.MedianMsPerLayer(4)!.Value, 9); // median 20 ms over 4 layers
        meter.Record(TimeSpan.FromMilliseconds(40));
        Assert.Equal(12.5, meter.MedianMsPerLayer(2)!.Value, 9); // (20 + 30) / 2 over 2 layers
        Assert.Equal(4, meter.Count);
    }

    [Fact]
    public void MedianMsPerLayer_MoreStepsThanTheWindow_OnlyTheRecentOnesCount()
    {
        var meter = new DecodeCostMeter();
        for (var i = 0; i < DecodeCostMeter.Window; i++)
        {
            meter.Record(TimeSpan.FromMilliseconds(100));
        }

        for (var i = 0; i < DecodeCostMeter.Window; i++)
        {
            meter.Record(TimeSpan.FromMilliseconds(8));
        }

        Assert.Equal(8.0, meter.MedianMsPerLayer(1)!.Value, 9);
        Assert.Equal(2 * DecodeCostMeter.Window, meter.Count);
    }

    [Fact]
    public void MedianMsPerLayer_ZeroLayers_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecodeCostMeter().MedianMsPerLayer(0));
    }
}
