using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;
using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Tests.Windows;

public class StreamWindowerTests
{
    private static readonly SensorChannel[] Two = [new("a", "u"), new("b", "u")];

    [Fact]
    public void Windows_LengthEightHopFour_EmitEveryFourSamplesWithLatestValues()
    {
        var windower = new StreamWindower("s", Two, length: 8, hop: 4);
        var window = new SensorWindow("s", Two, 8);
        var emitted = new List<double[]>();
        for (var t = 0; t < 20; t++)
        {
            windower.Append([new SensorSample(t * 10, t, SampleQuality.Good), new SensorSample(t * 10, -t, SampleQuality.Good)]);
            if (windower.TryTakeWindow(window) == WindowOutcome.Emitted)
            {
                emitted.Add([.. window.Channel(0)]);
                Assert.Equal(window.Channel(0).ToArray().Select(v => -v), window.Channel(1).ToArray());
            }
        }

        // First window when 8 samples exist (t = 7), then every 4: t = 11, 15, 19.
        Assert.Equal(4, emitted.Count);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], emitted[0]);
        Assert.Equal([12, 13, 14, 15, 16, 17, 18, 19], emitted[3]);
        Assert.Equal(120, window.StartNs);
        Assert.Equal(190, window.EndNs);
    }

    [Fact]
    public void Append_ManySamples_RingStaysBounded()
    {
        var ring = new SampleRing(16);
        for (var i = 0; i < 10_000; i++)
        {
            ring.Append(new SensorSample(i, i, SampleQuality.Good));
        }

        Assert.Equal(16, ring.Count);
        Assert.Equal(10_000 - 16, ring.Recent(16, 0).Value);
        Assert.Equal(9_999, ring.Recent(16, 15).Value);
    }

    [Fact]
    public void Impute_MissingRun_LinearlyInterpolatedAndFlagged()
    {
        var window = Window([1, double.NaN, double.NaN, 4, 5], 1, 2);

        Assert.True(WindowPolicy.Apply(window, BadDataPolicy.Impute, 0.5));

        Assert.Equal([1, 2, 3, 4, 5], window.Values);
        Assert.True(window.Quality[1].HasFlag(SampleQuality.Imputed));
        Assert.False(window.Quality[0].HasFlag(SampleQuality.Imputed));
    }

    [Fact]
    public void Impute_BadAtEdges_CarriesNearestGoodValue()
    {
        var window = Window([double.NaN, 2, 3, double.NaN], 0, 3);

        Assert.True(WindowPolicy.Apply(window, BadDataPolicy.Impute, 0.5));

        Assert.Equal([2, 2, 3, 3], window.Values);
    }

    [Fact]
    public void Mask_BadSamples_BecomeNaNAndMasked()
    {
        var window = Window([1, 99, 3], 1);

        Assert.True(WindowPolicy.Apply(window, BadDataPolicy.Mask, 0.5));

        Assert.True(double.IsNaN(window.Values[1]));
        Assert.True(window.Quality[1].HasFlag(SampleQuality.Masked));
        Assert.Equal(3, window.Values[2]);
    }

    [Fact]
    public void Drop_AnyBadSample_DropsWindow()
    {
        Assert.False(WindowPolicy.Apply(Window([1, 2, 3], 2), BadDataPolicy.Drop, 1.0));
        Assert.True(WindowPolicy.Apply(Window([1, 2, 3]), BadDataPolicy.Drop, 1.0));
    }

    [Fact]
    public void AnyPolicy_TooManyBad_DropsWindow()
    {
        Assert.False(WindowPolicy.Apply(Window([1, 2, 3, 4], 0, 1, 2), BadDataPolicy.Impute, 0.5));
        Assert.False(WindowPolicy.Apply(Window([1, 2, 3, 4], 0, 1, 2), BadDataPolicy.Mask, 0.5));
    }

    [Fact]
    public void Append_AfterGap_FlagsSampleAndDropPolicyDropsWindow()
    {
        var windower = new StreamWindower("s", [new("a", "u")], length: 4, hop: 4, BadDataPolicy.Drop, 1.0, expectedRateHz: 100);
        var window = new SensorWindow("s", windower.Channels, 4);
        long[] times = [0, 10_000_000, 20_000_000, 90_000_000]; // 70 ms gap at 100 Hz (10 ms period)
        foreach (var t in times)
        {
            windower.Append(0, new SensorSample(t, 1, SampleQuality.Good));
        }

        Assert.Equal(WindowOutcome.Dropped, windower.TryTakeWindow(window));
        Assert.True(window.Quality[3].HasFlag(SampleQuality.AfterGap));
        Assert.Equal(1, windower.WindowsDropped);
    }

    [Fact]
    public void QualityChecker_NanInfOutOfRange_Flagged()
    {
        var checker = new QualityChecker([new SensorChannel("t", "degC", -40, 85)], stuckRepeatLimit: 0);
        SensorSample[] s = [new(0, double.PositiveInfinity, SampleQuality.Good)];
        checker.Apply(s);
        Assert.True(s[0].Quality.HasFlag(SampleQuality.NotFinite));
        Assert.True(double.IsNaN(s[0].Value));

        s[0] = new SensorSample(1, 120, SampleQuality.Good);
        checker.Apply(s);
        Assert.True(s[0].Quality.HasFlag(SampleQuality.OutOfRange));

        s[0] = new SensorSample(2, 20, SampleQuality.Good);
        checker.Apply(s);
        Assert.Equal(SampleQuality.Good, s[0].Quality);
    }

    private static SensorWindow Window(double[] values, params int[] bad)
    {
        var w = new SensorWindow("s", [new SensorChannel("a", "u")], values.Length);
        values.CopyTo(w.Values, 0);
        foreach (var i in bad)
        {
            w.Quality[i] = double.IsNaN(values[i]) ? SampleQuality.Missing : SampleQuality.OutOfRange;
        }

        return w;
    }
}
