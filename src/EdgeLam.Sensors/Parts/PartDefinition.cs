using System.Device.I2c;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Parts;

/// <summary>How a part is attached.</summary>
public enum PartBus
{
    /// <summary>An I2C slave: the device gets an <see cref="I2cDevice"/> (real or simulated).</summary>
    I2c,

    /// <summary>A 1-Wire slave read through the kernel's w1 sysfs (the bus Path is the devices directory).</summary>
    OneWire,
}

/// <summary>What a part's factory gets: the device's name and options, its bus and the resolved address and seed.</summary>
public sealed record PartContext(string Name, DeviceOptions Device, BusOptions Bus, int Address, int Seed);

/// <summary>
/// One entry of the catalogue: a part kind (the <c>Driver</c> a board profile names) and plain delegates that describe
/// its channels, open it over a bus device and, for simulated buses, build its simulated chip. No reflection: adding a
/// part is adding one of these to a <see cref="PartCatalogue"/>.
/// </summary>
public sealed class PartDefinition
{
    /// <summary>The id a board profile's <c>Driver</c> names (lower case).</summary>
    public required string Kind { get; init; }

    /// <summary>One line for docs and errors (the library driver it runs).</summary>
    public required string Summary { get; init; }

    public PartBus Bus { get; init; } = PartBus.I2c;

    /// <summary>The I2C addresses the part can answer on (empty for non-I2C parts).</summary>
    public IReadOnlyList<int> Addresses { get; init; } = [];

    /// <summary>The channels, known without opening the device.</summary>
    public required Func<DeviceOptions, IReadOnlyList<SensorChannel>> Channels { get; init; }

    /// <summary>Opens the part. <c>device</c> is the I2C device for I2C parts (the source owns it), null otherwise.</summary>
    public required Func<PartContext, I2cDevice?, ISensorSource> Open { get; init; }

    /// <summary>A simulated chip for a simulated bus, fed by seeded signals; null when the part has none.</summary>
    public Func<PartContext, I2cDevice>? Simulate { get; init; }

    /// <summary>Part-specific option checks: report(property under the device, value, what is wrong).</summary>
    public Action<DeviceOptions, Action<string, object?, string>>? Validate { get; init; }
}
