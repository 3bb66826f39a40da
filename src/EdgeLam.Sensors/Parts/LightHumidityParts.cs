using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation.Chips;
using Iot.Device.Bh1750fvi;
using Iot.Device.Sht3x;

namespace EdgeLam.Sensors.Parts;

/// <summary>Sensirion SHT3x (Iot.Device.Sht3x) and ROHM BH1750FVI (Iot.Device.Bh1750fvi).</summary>
internal static class LightHumidityParts
{
    /// <summary>
    /// SHT3x single-shot, high repeatability. The driver checks both CRCs and, on a mismatch, keeps the previous
    /// reading rather than publishing corrupt data (a persistent fault then shows as Stuck). Each read waits 20 ms
    /// per quantity (the driver measures once for temperature and once for humidity).
    /// </summary>
    public static PartDefinition Sht3xPart { get; } = new()
    {
        Kind = "sht3x",
        Summary = "Sensirion SHT30/31/35 temperature, humidity with CRC-8 (Iot.Device.Sht3x.Sht3x)",
        Addresses = [0x44, 0x45],
        Channels = Sht3xChannels,
        Open = (c, device) =>
        {
            var sensor = new Sht3x(device!, Resolution.High);
            return new LibrarySource(c.Name, Sht3xChannels(c.Device), sensor, values =>
            {
                values[0] = sensor.Temperature.DegreesCelsius;
                values[1] = sensor.Humidity.Percent;
            });
        },
        Simulate = c =>
        {
            var t = SimulatedSignals.For(c, "temperature", new() { Offset = 22, Amplitude = 1.5, PeriodSeconds = 60, Noise = 0.05 }, 1);
            var h = SimulatedSignals.For(c, "humidity", new() { Offset = 40, Amplitude = 4, PeriodSeconds = 90, Noise = 0.2 }, 2);
            return new SimulatedSht3x(c.Address) { Inputs = () => (SimulatedSignals.Finite(t.Next(), 22), Math.Clamp(SimulatedSignals.Finite(h.Next(), 40), 0, 100)) };
        },
    };

    /// <summary>
    /// BH1750FVI in continuous H-resolution mode with the default measurement time (MTreg 69): lux = count / 1.2.
    /// The driver's LightTransmittance (optical window) setting is not exposed yet: no test here covers it.
    /// </summary>
    public static PartDefinition Bh1750Part { get; } = new()
    {
        Kind = "bh1750",
        Summary = "ROHM BH1750FVI ambient light in lux (Iot.Device.Bh1750fvi.Bh1750fvi)",
        Addresses = [0x23, 0x5C],
        Channels = Bh1750Channels,
        Open = (c, device) =>
        {
            var sensor = new Bh1750fvi(device!, MeasuringMode.ContinuouslyHighResolutionMode);
            return new LibrarySource(c.Name, Bh1750Channels(c.Device), sensor, values => values[0] = sensor.Illuminance.Lux);
        },
        Simulate = c =>
        {
            var lux = SimulatedSignals.For(c, "illuminance", new() { Offset = 400, Amplitude = 150, PeriodSeconds = 120, Noise = 2 }, 1);
            return new SimulatedBh1750(c.Address) { Inputs = () => Math.Max(0, SimulatedSignals.Finite(lux.Next(), 400)) };
        },
    };

    private static IReadOnlyList<SensorChannel> Sht3xChannels(DeviceOptions d) =>
        [new("temperature", "degC", -40, 125), new("humidity", "%RH", 0, 100)];

    private static IReadOnlyList<SensorChannel> Bh1750Channels(DeviceOptions d) =>
        [new("illuminance", "lx", 0, 65535)];
}
