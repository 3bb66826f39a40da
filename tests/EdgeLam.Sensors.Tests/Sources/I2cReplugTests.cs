using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Scheduling;
using EdgeLam.Sensors.Simulation.Chips;
using EdgeLam.Sensors.Tests.Parts;

namespace EdgeLam.Sensors.Tests.Sources;

/// <summary>
/// Fault matrix, sensor row (I2C): a BME280 falls off the bus (every transfer NACKed, EREMOTEIO) and is plugged back
/// in power-cycled — its registers at their power-on values, sleep mode, no conversion — as a real chip comes back.
/// </summary>
public sealed class I2cReplugTests
{
    [Fact]
    public void Bme280_NacksThenComesBackPowerCycled_DegradedWithNoAcknowledgeThenReconfiguredAndReadingsResume()
    {
        using var chip = new SimulatedBme280 { TemperatureCelsius = 21 };
        IReadOnlyList<SensorChannel> channels;
        using (var probe = PartHarness.Open("bme280", chip))
        {
            channels = probe.Channels;
        }

        var sink = new LastSamples();
        var scheduled = new ScheduledSource(new ReconnectingSource("env", channels, () => PartHarness.Open("bme280", chip)), rateHz: 10, stuckRepeatLimit: 0, initialBackoff: TimeSpan.FromMilliseconds(100), maxBackoff: TimeSpan.FromMilliseconds(400));
        using var scheduler = new SamplingScheduler([scheduled], sink);
        scheduler.Reset(0);
        scheduler.Step(0);
        Assert.Equal(21, sink.Last[0].Value, 1);

        chip.Faults.Absent = true;
        scheduler.Step(100_000_000);
        Assert.Equal(SensorState.Degraded, scheduled.Health.State);
        Assert.Equal(SensorFault.NoAcknowledge, scheduled.Health.LastFault);
        Assert.True(sink.Last[0].Quality.HasFlag(SampleQuality.Missing));
        scheduler.Step(200_000_000); // a retry while it is still away fails too
        Assert.Equal(2, scheduled.Health.ConsecutiveFailures);

        // Plugged back in: the chip starts from its power-on state (the soft-reset command puts it there).
        chip.Faults.Absent = false;
        chip.Write([0xE0, 0xB6]);
        chip.TemperatureCelsius = 25;
        for (var t = 300_000_000L; t <= 1_500_000_000L && scheduled.Health.State != SensorState.Healthy; t += 100_000_000)
        {
            scheduler.Step(t);
        }

        Assert.Equal(SensorState.Healthy, scheduled.Health.State);
        Assert.Equal(1, scheduled.Health.Recoveries);
        scheduler.Step(1_600_000_000);
        Assert.Equal(SampleQuality.Good, sink.Last[0].Quality);
        Assert.Equal(25, sink.Last[0].Value, 1);
    }

    private sealed class LastSamples : ISampleSink
    {
        public SensorSample[] Last { get; private set; } = [];

        public void OnSamples(int sourceIndex, ReadOnlySpan<SensorSample> samples) => Last = samples.ToArray();
    }
}
