using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using Iot.Device.OneWire;

namespace EdgeLam.Sensors.Parts;

/// <summary>1-Wire thermometers through the kernel's w1 sysfs (Iot.Device.OneWire.OneWireThermometerDevice).</summary>
internal static class OneWireParts
{
    /// <summary>
    /// DS18B20 (and DS18S20, DS1825, DS28EA00: the same driver). The bus Path is the w1 devices directory
    /// (/sys/bus/w1/devices); option DeviceId names the slave (28-xxxxxxxxxxxx). The driver reads
    /// &lt;Path&gt;/&lt;DeviceId&gt;/w1_slave, accepts it only when the kernel's CRC line says YES, and reports t=/1000 °C.
    /// </summary>
    public static PartDefinition Ds18b20Part { get; } = new()
    {
        Kind = "ds18b20",
        Summary = "Maxim DS18B20 (and DS18S20, DS1825, DS28EA00) over the kernel's w1 sysfs (Iot.Device.OneWire)",
        Bus = PartBus.OneWire,
        Channels = Ds18b20Channels,
        Open = (c, _) =>
        {
            var id = PartOptions.Text(c.Device, "DeviceId")!;

            // The driver joins /sys/devices, the bus id and the device id; a rooted bus id replaces the first part, so
            // the configured directory is where it reads (a test fixture or /sys/bus/w1/devices).
            var bus = Path.GetFullPath(c.Bus.Path);
            if (!Directory.Exists(Path.Combine(bus, id)))
            {
                throw new SensorException(SensorFault.DeviceGone, $"{c.Name}: 1-Wire device {id} not found in {bus}");
            }

            var thermometer = new OneWireThermometerDevice(bus, id);
            if (!OneWireThermometerDevice.IsCompatible(thermometer.Family))
            {
                throw new SensorException(SensorFault.BadData, $"{c.Name}: 1-Wire device {id} is family {thermometer.Family}, not a thermometer");
            }

            return new LibrarySource(c.Name, Ds18b20Channels(c.Device), NoDispose.Instance, values => values[0] = thermometer.ReadTemperature().DegreesCelsius);
        },
        Validate = (d, add) =>
        {
            var id = PartOptions.Text(d, "DeviceId");
            if (id is null || id.Length < 4 || id[2] != '-' || id.Contains('/') || id.Contains(".."))
            {
                add("Options:DeviceId", id, "must name a w1 slave such as 28-0316a2794fff");
            }
        },
    };

    private sealed class NoDispose : IDisposable
    {
        public static readonly NoDispose Instance = new();

        public void Dispose()
        {
        }
    }

    private static IReadOnlyList<SensorChannel> Ds18b20Channels(DeviceOptions d) =>
        [new("temperature", "degC", -55, 125)];
}
