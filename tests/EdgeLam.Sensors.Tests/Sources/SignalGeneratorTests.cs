using EdgeLam.Sensors.Simulation;

namespace EdgeLam.Sensors.Tests.Sources;

public class SignalGeneratorTests
{
    [Fact]
    public void SameSeed_SameSequence_DifferentSeed_Different()
    {
        var o = new SignalOptions { Amplitude = 2, PeriodSeconds = 1, Noise = 0.3, AnomalyRate = 0.05 };
        var a = new SignalGenerator(o, 50, 9);
        var b = new SignalGenerator(o, 50, 9);
        var c = new SignalGenerator(o, 50, 10);
        var xa = Enumerable.Range(0, 500).Select(_ => a.Next()).ToArray();
        var xb = Enumerable.Range(0, 500).Select(_ => b.Next()).ToArray();
        var xc = Enumerable.Range(0, 500).Select(_ => c.Next()).ToArray();

        Assert.Equal(xa, xb);
        Assert.NotEqual(xa, xc);
    }

    [Fact]
    public void NoiselessSine_FollowsSinAtSampleTimes()
    {
        var g = new SignalGenerator(new SignalOptions { Offset = 1, Amplitude = 3, PeriodSeconds = 2 }, 10, 1);

        for (var n = 0; n < 40; n++)
        {
            Assert.Equal(1 + (3 * Math.Sin(2 * Math.PI * (n / 10.0) / 2)), g.Next(), 12);
        }
    }

    [Fact]
    public void Drift_AddsLinearTrend()
    {
        var g = new SignalGenerator(new SignalOptions { Waveform = "Constant", Offset = 5, DriftPerSecond = 0.5 }, 4, 1);
        var values = Enumerable.Range(0, 9).Select(_ => g.Next()).ToArray();

        Assert.Equal(5.0, values[0], 12);
        Assert.Equal(5.0 + (0.5 * 2), values[8], 12);
    }

    [Fact]
    public void Anomalies_AtConfiguredRate_IncludeSpikesDropoutsAndStuckRuns()
    {
        var g = new SignalGenerator(new SignalOptions { Waveform = "Constant", AnomalyRate = 0.02, Amplitude = 1, SpikeScale = 10 }, 100, 5);
        var seen = new HashSet<SignalAnomaly>();
        var nan = 0;
        var spikes = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var v = g.Next();
            seen.Add(g.LastAnomaly);
            nan += double.IsNaN(v) ? 1 : 0;
            spikes += g.LastAnomaly == SignalAnomaly.Spike ? 1 : 0;
            if (g.LastAnomaly == SignalAnomaly.Spike)
            {
                Assert.Equal(10.0, v, 9);
            }
        }

        Assert.Contains(SignalAnomaly.Spike, seen);
        Assert.Contains(SignalAnomaly.Dropout, seen);
        Assert.Contains(SignalAnomaly.Stuck, seen);
        Assert.InRange(nan, 1, 400);
        Assert.InRange(spikes, 1, 400);
    }
}
