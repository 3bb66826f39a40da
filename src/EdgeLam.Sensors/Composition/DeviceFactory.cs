using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Drivers.Ads1115;
using EdgeLam.Sensors.Drivers.Bme280;
using EdgeLam.Sensors.Drivers.Bmp180;
using EdgeLam.Sensors.Drivers.Mpu6050;
using EdgeLam.Sensors.Gpio;
using EdgeLam.Sensors.Iio;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation;
using EdgeLam.Sensors.Simulation.Chips;

namespace EdgeLam.Sensors.Composition;

/// <summary>
/// Turns validated device options into polled sources: drivers over a Linux I2C device or, on a simulated bus, over a
/// simulated chip fed by seeded signals; IIO devices; GPIO lines; signal simulators. Every polled device is wrapped in a
/// <see cref="ReconnectingSource"/> so an absent device degrades instead of failing the start.
/// </summary>
public static class DeviceFactory
{
    /// <summary>The channels a device will have, known without opening it.</summary>
    public static IReadOnlyList<SensorChannel> DescribeChannels(string name, DeviceOptions d, SensorsOptions o)
    {
        switch (d.Driver)
        {
            case "bme280":
                return [new("temperature", "degC", -40, 85), new("pressure", "Pa", 30000, 110000), new("humidity", "%RH", 0, 100)];
            case "bmp180":
                return [new("temperature", "degC", -40, 85), new("pressure", "Pa", 30000, 110000)];
            case "mpu6050":
                {
                    var a = d.AccelRangeG * Mpu6050Scale.StandardGravity;
                    var g = (double)d.GyroRangeDps;
                    return
                    [
                        new("accel_x", "m/s2", -a, a), new("accel_y", "m/s2", -a, a), new("accel_z", "m/s2", -a, a),
                        new("gyro_x", "deg/s", -g, g), new("gyro_y", "deg/s", -g, g), new("gyro_z", "deg/s", -g, g),
                        new("temperature", "degC", -40, 85),
                    ];
                }

            case "ads1115":
                {
                    var fsr = d.GainVolts;
                    return [.. Mux(d).Select(m => new SensorChannel(Ads1115.ChannelName(m), "V", -fsr, fsr))];
                }

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
        return new ReconnectingSource(name, channels, () => new GpioLineSource(name, bus.Path, [(name, (uint)line.Line)], edge, line.ActiveLow));
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
                return new SignalSource(name, channels, [.. d.Channels.Select(c => SignalFor(d, c, new SignalOptions()))], d.RateHz, seed);
            case "iio":
                {
                    var bus = o.Buses[d.Bus!];
                    return IioDevice.Open(bus.Path, d.IioDevice!, d.Channels.Count > 0 ? d.Channels : null, name);
                }
        }

        var i2cBus = o.Buses[d.Bus!];
        var address = SensorsOptionsValidator.ParseAddress(d.Address) ?? throw new SensorException(SensorFault.BadData, $"{name}: bad address '{d.Address}'");
        I2cBusDevice device = i2cBus.Simulated ? SimulatedChip(name, d, address, seed) : LinuxI2cBusDevice.Open(i2cBus.Path, address);
        try
        {
            Action<int>? wait = i2cBus.Simulated ? _ => { } : null;
            return d.Driver switch
            {
                "bme280" => new Bme280(device, name, (Bme280Oversampling)(1 + (int)Math.Log2(d.Oversampling))),
                "bmp180" => new Bmp180(device, name, d.Oversampling, wait),
                "mpu6050" => new Mpu6050(device, name, Mpu6050Scale.AccelRangeFromG(d.AccelRangeG), Mpu6050Scale.GyroRangeFromDps(d.GyroRangeDps)),
                _ => new Ads1115(device, Mux(d), name, Ads1115Config.GainFromVolts(d.GainVolts), Ads1115Config.DataRateFromSps(d.DataRate), wait),
            };
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    private static SimulatedI2cDevice SimulatedChip(string name, DeviceOptions d, int address, int seed)
    {
        SignalGenerator Gen(string key, SignalOptions fallback, int salt) => new(SignalFor(d, key, fallback), d.RateHz, seed + salt);
        switch (d.Driver)
        {
            case "bme280":
                {
                    var t = Gen("temperature", new SignalOptions { Offset = 21, Amplitude = 2, PeriodSeconds = 60, Noise = 0.05 }, 1);
                    var p = Gen("pressure", new SignalOptions { Offset = 101325, Amplitude = 40, PeriodSeconds = 120, Noise = 2 }, 2);
                    var h = Gen("humidity", new SignalOptions { Offset = 45, Amplitude = 5, PeriodSeconds = 90, Noise = 0.2 }, 3);
                    return new SimulatedBme280(address) { Inputs = () => (Finite(t.Next(), 21), Finite(p.Next(), 101325), Math.Clamp(Finite(h.Next(), 45), 0, 100)) };
                }

            case "bmp180":
                {
                    var t = Gen("temperature", new SignalOptions { Offset = 20, Amplitude = 1.5, PeriodSeconds = 60, Noise = 0.05 }, 1);
                    var p = Gen("pressure", new SignalOptions { Offset = 100800, Amplitude = 60, PeriodSeconds = 120, Noise = 3 }, 2);
                    return new SimulatedBmp180(address) { Inputs = () => (Finite(t.Next(), 20), Finite(p.Next(), 100800)) };
                }

            case "mpu6050":
                {
                    var ax = Gen("accel_x", new SignalOptions { Amplitude = 0.05, PeriodSeconds = 0.2, Noise = 0.01 }, 1);
                    var ay = Gen("accel_y", new SignalOptions { Amplitude = 0.03, PeriodSeconds = 0.35, Noise = 0.01 }, 2);
                    var az = Gen("accel_z", new SignalOptions { Offset = 1, Amplitude = 0.02, PeriodSeconds = 0.5, Noise = 0.01 }, 3);
                    var gz = Gen("gyro_z", new SignalOptions { Amplitude = 5, PeriodSeconds = 4, Noise = 0.2 }, 4);
                    return new SimulatedMpu6050(address)
                    {
                        Inputs = () => ((Finite(ax.Next(), 0), Finite(ay.Next(), 0), Finite(az.Next(), 1)), (0, 0, Finite(gz.Next(), 0))),
                    };
                }

            default:
                {
                    var pins = Enumerable.Range(0, 4)
                        .Select(i => Gen("ain" + i, new SignalOptions { Offset = 1.0 + (0.2 * i), Amplitude = 0.5, PeriodSeconds = 5 + i, Noise = 0.005 }, 10 + i))
                        .ToArray();
                    var inputs = Mux(d).Length;
                    var values = new double[4];
                    var calls = 0;

                    // One conversion per configured input per tick: advance the pin signals once per tick.
                    return new SimulatedAds1115(address)
                    {
                        Inputs = pin =>
                        {
                            if (calls++ % inputs == 0)
                            {
                                for (var i = 0; i < 4; i++)
                                {
                                    values[i] = Finite(pins[i].Next(), 1.0);
                                }
                            }

                            return values[pin];
                        },
                    };
                }
        }
    }

    private static double Finite(double v, double fallback) => double.IsFinite(v) ? v : fallback;

    private static SignalOptions SignalFor(DeviceOptions d, string key, SignalOptions fallback) =>
        d.Signals.TryGetValue(key, out var s) ? s : d.Signals.TryGetValue("*", out var all) ? all : fallback;

    private static Ads1115Mux[] Mux(DeviceOptions d) =>
        [.. d.Inputs.Select(i => Ads1115Config.TryParseMux(i, out var m) ? m : Ads1115Mux.Ain0Gnd)];
}
