using EdgeLam.Sensors.Iio;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Quality;
using EdgeLam.Sensors.Scheduling;
using EdgeLam.Testing;

namespace EdgeLam.Sensors.Tests.Iio;

/// <summary>
/// A fixture tree shaped like /sys/bus/iio/devices. Expected values follow Documentation/ABI/testing/sysfs-bus-iio:
/// value = (raw + offset) × scale in the ABI unit (milli °C, mV, kPa, milli %RH), or in_X_input as processed.
/// </summary>
public sealed class IioDeviceTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public IioDeviceTests()
    {
        // A BMP280-like device: processed temperature, raw pressure with scale (kPa per LSB).
        Write("iio:device0", "name", "bmp280");
        Write("iio:device0", "in_temp_input", "23450");            // 23.45 °C
        Write("iio:device0", "in_pressure_raw", "100125");
        Write("iio:device0", "in_pressure_scale", "0.001000000");  // → 100.125 kPa = 100125 Pa
        // An ADC with a shared voltage scale and a per-channel offset, and a TMP-like raw temperature with offset.
        Write("iio:device1", "name", "ads1015");
        Write("iio:device1", "in_voltage0_raw", "1000");
        Write("iio:device1", "in_voltage1_raw", "-250");
        Write("iio:device1", "in_voltage1_offset", "50");
        Write("iio:device1", "in_voltage_scale", "0.125");         // mV per LSB, shared
        Write("iio:device1", "in_temp_raw", "1200\n");
        Write("iio:device1", "in_temp_offset", "-400");
        Write("iio:device1", "in_temp_scale", "31.25");            // milli °C per LSB
        Write("iio:device1", "in_voltage0_en", "1");               // not a value attribute
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Open_ByName_ReadsProcessedAndScaledChannelsInAbiUnitsConverted()
    {
        using var device = IioDevice.Open(_root.Path, "bmp280");
        var samples = new SensorSample[device.Channels.Count];

        device.Read(5, samples);

        Assert.Equal(["pressure", "temp"], device.Channels.Select(c => c.Name));
        Assert.Equal(100125.0, samples[0].Value, 6);
        Assert.Equal("Pa", device.Channels[0].Unit);
        Assert.Equal(23.45, samples[1].Value, 6);
        Assert.Equal("degC", device.Channels[1].Unit);
    }

    [Fact]
    public void Read_RawWithOffset_AddsOffsetBeforeScaling()
    {
        using var device = IioDevice.Open(_root.Path, "iio:device1");
        var samples = new SensorSample[device.Channels.Count];

        device.Read(5, samples);

        var byName = device.Channels.Select((c, i) => (c.Name, samples[i].Value)).ToDictionary(x => x.Name, x => x.Value);
        Assert.Equal(3, byName.Count);
        Assert.Equal((1200 - 400) * 31.25 / 1000, byName["temp"], 9);      // (raw + offset) × scale = 25 °C
        Assert.Equal(1000 * 0.125 / 1000, byName["voltage0"], 9);          // shared scale, no offset: 0.125 V
        Assert.Equal((-250 + 50) * 0.125 / 1000, byName["voltage1"], 9);   // -0.025 V
        Assert.NotEqual((-250 * 0.125) + 50, byName["voltage1"] * 1000);   // not raw × scale + offset
    }

    [Fact]
    public void Open_ChannelFilter_KeepsOnlyNamedChannels()
    {
        using var device = IioDevice.Open(_root.Path, "iio:device1", ["voltage1"]);

        Assert.Equal(["voltage1"], device.Channels.Select(c => c.Name));
    }

    [Fact]
    public void Read_ValueChangesBetweenReads_IsReadFresh()
    {
        using var device = IioDevice.Open(_root.Path, "bmp280");
        var samples = new SensorSample[2];
        Write("iio:device0", "in_temp_input", "-5000");

        device.Read(1, samples);

        Assert.Equal(-5.0, samples[1].Value, 6);
    }

    [Fact]
    public void Read_DeviceDisappearsMidRun_ThrowsDeviceGoneAndSchedulerDegradesThenRecovers()
    {
        var device = IioDevice.Open(_root.Path, "bmp280");
        var sink = new RecordingSink();
        var scheduled = new ScheduledSource(
            new Composition.ReconnectingSource("baro", device.Channels, () => IioDevice.Open(_root.Path, "bmp280")),
            rateHz: 10,
            stuckRepeatLimit: 0,
            initialBackoff: TimeSpan.FromMilliseconds(200),
            maxBackoff: TimeSpan.FromSeconds(1));
        using var scheduler = new SamplingScheduler([scheduled], sink);
        scheduler.Reset(0);
        device.Dispose();

        scheduler.Step(0);
        Assert.Equal(23.45, sink.Last[1].Value, 6);

        var saved = _root.Combine("saved");
        Directory.Move(_root.Combine("iio:device0"), saved);
        Assert.Equal(SensorFault.DeviceGone, Assert.Throws<SensorException>(() => IioDevice.ReadNumber(_root.Combine("iio:device0", "in_temp_input"))).Fault);

        scheduler.Step(100_000_000);
        Assert.Equal(SensorState.Degraded, scheduled.Health.State);
        Assert.Equal(SensorFault.DeviceGone, scheduled.Health.LastFault);
        Assert.True(sink.Last[0].Quality.HasFlag(SampleQuality.Missing | SampleQuality.Degraded));

        // Within the 200 ms backoff the device is not touched; after it, the retry fails and the backoff doubles.
        scheduler.Step(200_000_000);
        Assert.Equal(1, scheduled.Health.ConsecutiveFailures);
        scheduler.Step(300_000_000);
        Assert.Equal(2, scheduled.Health.ConsecutiveFailures);
        Assert.Equal(400_000_000, scheduled.Health.CurrentBackoffNs);

        Directory.Move(saved, _root.Combine("iio:device0"));
        scheduler.Step(700_000_000);
        Assert.Equal(SensorState.Healthy, scheduled.Health.State);
        Assert.Equal(1, scheduled.Health.Recoveries);
        Assert.Equal(23.45, sink.Last[1].Value, 6);
    }

    [Fact]
    public void Open_MissingDevice_ThrowsDeviceGone()
    {
        Assert.Equal(SensorFault.DeviceGone, Assert.Throws<SensorException>(() => IioDevice.Open(_root.Path, "iio:device7")).Fault);
        Assert.Equal(SensorFault.DeviceGone, Assert.Throws<SensorException>(() => IioDevice.Open(_root.Combine("nope"), "x")).Fault);
    }

    [Fact]
    public void Read_GarbageInAttribute_ThrowsBadData()
    {
        using var device = IioDevice.Open(_root.Path, "bmp280");
        Write("iio:device0", "in_temp_input", "12a4");

        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => device.Read(1, new SensorSample[2])).Fault);
    }

    private void Write(string device, string attribute, string text)
    {
        Directory.CreateDirectory(_root.Combine(device));
        File.WriteAllText(_root.Combine(device, attribute), text.EndsWith('\n') ? text : text + "\n");
    }

    private sealed class RecordingSink : ISampleSink
    {
        public SensorSample[] Last { get; private set; } = [];

        public void OnSamples(int sourceIndex, ReadOnlySpan<SensorSample> samples) => Last = samples.ToArray();
    }
}
