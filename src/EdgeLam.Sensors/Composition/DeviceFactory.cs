using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Gpio;
using EdgeLam.Sensors.Iio;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Parts;
using EdgeLam.Sensors.Simulation;

namespace EdgeLam.Sensors.Composition;

/// <summary>
/// Turns validated device options into polled sources: catalogue parts (<see cref="PartCatalogue"/>) over an I2C device
/// from System.Device.Gpio or, on a simulated bus, over a simulated chip fed by seeded signals; IIO devices; GPIO
/// lines; signal simulators. Every polled device is wrapped in a <see cref="ReconnectingSource"/> so an absent device
/// degrades instead of failing the start.
/// </summary>
public static class DeviceFactory
{
    /// <summary>The channels a device will have, known without opening it.</summary>
    public static IReadOnlyList<SensorChannel> DescribeChannels(string name, DeviceOptions d, SensorsOptions o)
    {
        if (PartCatalogue.Default.TryGet(d.Driver, out var part))
        {
            return part.Channels(d);
        }

        switch (d.Driver)
        {
            case "iio":
                if (d.Channels.Count > 0)
                {
                    return [.. d.Channels.Select((c, i) => new SensorChannel(c, i < d.Units.Count ? d.Units[i] : IioUnits.For(IioUnits.TypeOf("in_" + c)).Unit))];
                }

                var bus = o.Buses[d.Bus!];
                using (var probe = IioDevice.Open(bus.Path, d.IioDevice!, null, name))
                {
                    return probe.Channels;
                }

            default:
                return [.. d.Channels.Select((c, i) => new SensorChannel(c, i < d.Units.Count ? d.Units[i] : ""))];
        }
    }

    public static ReconnectingSource CreatePolled(string name, DeviceOptions d, SensorsOptions o)
    {
        var channels = DescribeChannels(name, d, o);
        var seed = d.Seed ?? StableSeed(o.Seed, name);
        return new ReconnectingSource(name, channels, () => Open(name, d, o, channels, seed));
    }

    public static ReconnectingSource CreateGpio(string name, GpioLineOptions line, SensorsOptions o)
    {
        var bus = o.Buses[line.Bus];
        SensorChannel[] channels = [new(name, "level", 0, 1), new(name + "_edges", "count", 0, double.MaxValue)];
        if (bus.Simulated)
        {
            var seed = StableSeed(o.Seed, name);
            var level = new SignalOptions { Waveform = "Square", Amplitude = 0.5, Offset = 0.5, PeriodSeconds = 2 };
            return new ReconnectingSource(name, channels, () => new SimulatedGpioLine(name, channels, line.RateHz, level, seed));
        }

        var edge = line.Edge switch { "rising" => GpioEdge.Rising, "falling" => GpioEdge.Falling, "both" => GpioEdge.Both, _ => GpioEdge.None };
        return new ReconnectingSource(name, channels, () => GpioLineSource.Open(name, bus.Path, [(name, line.Line)], edge, line.ActiveLow));
    }

    /// <summary>A seed derived from the board seed and the device name (FNV-1a), stable across runs and platforms.</summary>
    public static int StableSeed(int seed, string name)
    {
        var h = 2166136261u ^ (uint)seed;
        foreach (var ch in name)
        {
            h = (h ^ ch) * 16777619u;
        }

        return (int)(h & 0x7FFFFFFF);
    }

    private static ISensorSource Open(string name, DeviceOptions d, SensorsOptions o, IReadOnlyList<SensorChannel> channels, int seed)
    {
        switch (d.Driver)
        {
            case "signal":
                return new SignalSource(name, channels, [.. d.Channels.Select(c => d.Signals.TryGetValue(c, out var s) ? s : d.Signals.TryGetValue("*", out var all) ? all : new SignalOptions())], d.RateHz, seed);
            case "iio":
                {
                    var bus = o.Buses[d.Bus!];
                    return IioDevice.Open(bus.Path, d.IioDevice!, d.Channels.Count > 0 ? d.Channels : null, name);
                }
        }

        if (!PartCatalogue.Default.TryGet(d.Driver, out var part))
        {
            throw new SensorException(SensorFault.BadData, $"{name}: no part of kind '{d.Driver}' in the catalogue");
        }

        var busOptions = o.Buses[d.Bus!];
        var address = SensorsOptionsValidator.ParseAddress(d.Address) ?? part.Addresses.FirstOrDefault();
        var context = new PartContext(name, d, busOptions, address, seed);
        if (part.Bus != PartBus.I2c)
        {
            return OpenPart(part, context, null);
        }

        var device = busOptions.Simulated
            ? part.Simulate?.Invoke(context) ?? throw new SensorException(SensorFault.BadData, $"{name}: part '{part.Kind}' has no simulated chip")
            : I2cBuses.Open(name, busOptions.Path, address);
        return OpenPart(part, context, device);
    }

    /// <summary>
    /// Runs a part's factory over <paramref name="device"/> (which the source then owns); a device failure while opening
    /// becomes a typed <see cref="SensorException"/> and releases the device.
    /// </summary>
    public static ISensorSource OpenPart(PartDefinition part, PartContext context, System.Device.I2c.I2cDevice? device)
    {
        try
        {
            return part.Open(context, device);
        }
        catch (Exception e) when (LibraryFaults.IsDeviceFault(e))
        {
            device?.Dispose();
            throw LibraryFaults.Translate(context.Name, e);
        }
        catch
        {
            device?.Dispose();
            throw;
        }
    }
}
