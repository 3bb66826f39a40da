using System.Device.I2c;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Parts;

namespace EdgeLam.Sensors.Tests.Parts;

/// <summary>Opens a catalogue part the way the daemon does (DeviceFactory.OpenPart) over a simulated chip or fixture.</summary>
internal static class PartHarness
{
    public static ISensorSource Open(string kind, I2cDevice? chip, DeviceOptions? options = null, string busPath = "/dev/i2c-sim")
    {
        Assert.True(PartCatalogue.Default.TryGet(kind, out var part), kind);
        var d = options ?? new DeviceOptions();
        d.Driver = kind;
        var bus = new BusOptions { Kind = part.Bus == PartBus.I2c ? "i2c" : "w1", Path = busPath, Simulated = chip is not null };
        var address = chip?.ConnectionSettings.DeviceAddress ?? 0;
        return DeviceFactory.OpenPart(part, new PartContext("dut", d, bus, address, 1), chip);
    }

    public static SensorSample[] Read(ISensorSource source, long timestampNs = 1)
    {
        var samples = new SensorSample[source.Channels.Count];
        source.Read(timestampNs, samples);
        return samples;
    }
}
