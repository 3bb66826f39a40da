using System.Device.I2c;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation.ChipModels;
using EdgeLam.Sensors.Simulation.Chips;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.PowerMode;

namespace EdgeLam.Sensors.Parts;

/// <summary>Bosch barometers: BME280 and BMP280 on Iot.Device.Bmxx80; BMP180 on <see cref="Bmp180Driver"/> (why: there).</summary>
internal static class BoschParts
{
    private const byte ChipIdRegister = 0xD0;

    public static PartDefinition Bme280Part { get; } = new()
    {
        Kind = "bme280",
        Summary = "Bosch BME280 temperature, pressure, humidity (Iot.Device.Bmxx80.Bme280, normal mode)",
        Addresses = [0x76, 0x77],
        Channels = Bme280Channels,
        Open = (c, device) =>
        {
            var i2c = device!;
            Probe(c.Name, i2c, Bme280Constants.ChipId, "BME280");
            var sensor = new Bme280(i2c);
            var sampling = Sampling(c.Device.Oversampling);
            sensor.TemperatureSampling = sampling;
            sensor.PressureSampling = sampling;
            sensor.HumiditySampling = sampling;
            Configure(sensor);
            return new LibrarySource(c.Name, Bme280Channels(c.Device), sensor, values =>
            {
                var r = sensor.Read();
                values[0] = r.Temperature?.DegreesCelsius ?? double.NaN;
                values[1] = r.Pressure?.Pascals ?? double.NaN;
                values[2] = r.Humidity?.Percent ?? double.NaN;
            });
        },
        Simulate = c =>
        {
            var t = SimulatedSignals.For(c, "temperature", new() { Offset = 21, Amplitude = 2, PeriodSeconds = 60, Noise = 0.05 }, 1);
            var p = SimulatedSignals.For(c, "pressure", new() { Offset = 101325, Amplitude = 40, PeriodSeconds = 120, Noise = 2 }, 2);
            var h = SimulatedSignals.For(c, "humidity", new() { Offset = 45, Amplitude = 5, PeriodSeconds = 90, Noise = 0.2 }, 3);
            return new SimulatedBme280(c.Address)
            {
                Inputs = () => (SimulatedSignals.Finite(t.Next(), 21), SimulatedSignals.Finite(p.Next(), 101325), Math.Clamp(SimulatedSignals.Finite(h.Next(), 45), 0, 100)),
            };
        },
        Validate = (d, add) =>
        {
            if (d.Oversampling is not (1 or 2 or 4 or 8 or 16))
            {
                add("Oversampling", d.Oversampling, "must be 1, 2, 4, 8 or 16 for bme280");
            }
        },
    };

    public static PartDefinition Bmp280Part { get; } = new()
    {
        Kind = "bmp280",
        Summary = "Bosch BMP280 temperature, pressure (Iot.Device.Bmxx80.Bmp280, normal mode)",
        Addresses = [0x76, 0x77],
        Channels = Bmp280Channels,
        Open = (c, device) =>
        {
            var i2c = device!;
            Probe(c.Name, i2c, SimulatedBme280.Bmp280ChipId, "BMP280");
            var sensor = new Bmp280(i2c);
            var sampling = Sampling(c.Device.Oversampling);
            sensor.TemperatureSampling = sampling;
            sensor.PressureSampling = sampling;
            Configure(sensor);
            return new LibrarySource(c.Name, Bmp280Channels(c.Device), sensor, values =>
            {
                var r = sensor.Read();
                values[0] = r.Temperature?.DegreesCelsius ?? double.NaN;
                values[1] = r.Pressure?.Pascals ?? double.NaN;
            });
        },
        Simulate = c =>
        {
            var t = SimulatedSignals.For(c, "temperature", new() { Offset = 21, Amplitude = 2, PeriodSeconds = 60, Noise = 0.05 }, 1);
            var p = SimulatedSignals.For(c, "pressure", new() { Offset = 101325, Amplitude = 40, PeriodSeconds = 120, Noise = 2 }, 2);
            return new SimulatedBme280(c.Address, chipId: SimulatedBme280.Bmp280ChipId)
            {
                Inputs = () => (SimulatedSignals.Finite(t.Next(), 21), SimulatedSignals.Finite(p.Next(), 101325), 0),
            };
        },
        Validate = Bme280Part.Validate,
    };

    public static PartDefinition Bmp180Part { get; } = new()
    {
        Kind = "bmp180",
        Summary = "Bosch BMP180 temperature, pressure (datasheet driver over System.Device.I2c; see Bmp180Driver)",
        Addresses = [0x77],
        Channels = Bmp180Channels,
        Open = (c, device) =>
        {
            // Simulated chips convert at once; real ones need the datasheet's conversion time.
            Action<int>? wait = c.Bus.Simulated ? _ => { } : null;
            var sensor = new Bmp180Driver(device!, c.Name, c.Device.Oversampling, wait);
            return new LibrarySource(c.Name, Bmp180Channels(c.Device), sensor, sensor.Read);
        },
        Simulate = c =>
        {
            var t = SimulatedSignals.For(c, "temperature", new() { Offset = 20, Amplitude = 1.5, PeriodSeconds = 60, Noise = 0.05 }, 1);
            var p = SimulatedSignals.For(c, "pressure", new() { Offset = 100800, Amplitude = 60, PeriodSeconds = 120, Noise = 3 }, 2);
            return new SimulatedBmp180(c.Address) { Inputs = () => (SimulatedSignals.Finite(t.Next(), 20), SimulatedSignals.Finite(p.Next(), 100800)) };
        },
        Validate = (d, add) =>
        {
            if (d.Oversampling is < 0 or > 3)
            {
                add("Oversampling", d.Oversampling, "must be 0, 1, 2 or 3 for bmp180");
            }
        },
    };

    /// <summary>osrs 1, 2, 4, 8, 16 → the library's sampling setting.</summary>
    public static Iot.Device.Bmxx80.Sampling Sampling(int oversampling) => oversampling switch
    {
        2 => Iot.Device.Bmxx80.Sampling.LowPower,
        4 => Iot.Device.Bmxx80.Sampling.Standard,
        8 => Iot.Device.Bmxx80.Sampling.HighResolution,
        16 => Iot.Device.Bmxx80.Sampling.UltraHighResolution,
        _ => Iot.Device.Bmxx80.Sampling.UltraLowPower,
    };

    /// <summary>Reads the chip id first so a wrong part is BadData, not a generic I/O error from the driver.</summary>
    public static void Probe(string name, I2cDevice device, byte expected, string part) =>
        ProbeRegister(name, device, ChipIdRegister, expected, part);

    /// <summary>Reads an identity register; anything but <paramref name="expected"/> is BadData.</summary>
    public static void ProbeRegister(string name, I2cDevice device, byte register, byte expected, string part)
    {
        var id = ReadRegister(device, register);
        if (id != expected)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: id 0x{id:X2} in register 0x{register:X2} at 0x{device.ConnectionSettings.DeviceAddress:X2}, expected 0x{expected:X2} ({part})");
        }
    }

    private static byte ReadRegister(I2cDevice device, byte register)
    {
        Span<byte> value = stackalloc byte[1];
        device.WriteRead([register], value);
        return value[0];
    }

    /// <summary>Normal mode, no IIR filter, 0.5 ms standby: every read sees a fresh conversion without a forced-mode wait.</summary>
    private static void Configure(Bmx280Base sensor)
    {
        sensor.FilterMode = Bmx280FilteringMode.Off;
        sensor.StandbyTime = StandbyTime.Ms0_5;
        sensor.SetPowerMode(Bmx280PowerMode.Normal);
    }

    private static IReadOnlyList<SensorChannel> Bme280Channels(DeviceOptions d) =>
        [new("temperature", "degC", -40, 85), new("pressure", "Pa", 30000, 110000), new("humidity", "%RH", 0, 100)];

    private static IReadOnlyList<SensorChannel> Bmp280Channels(DeviceOptions d) =>
        [new("temperature", "degC", -40, 85), new("pressure", "Pa", 30000, 110000)];

    private static IReadOnlyList<SensorChannel> Bmp180Channels(DeviceOptions d) =>
        [new("temperature", "degC", -40, 85), new("pressure", "Pa", 30000, 110000)];
}
