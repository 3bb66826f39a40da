using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation.ChipModels;
using EdgeLam.Sensors.Simulation.Chips;
using Iot.Device.Adc;
using Iot.Device.Ads1115;

namespace EdgeLam.Sensors.Parts;

/// <summary>Converters: TI ADS1115 (Iot.Device.Ads1115) and TI INA219 current/power monitor (Iot.Device.Adc.Ina219).</summary>
internal static class AdcParts
{
    public static PartDefinition Ads1115Part { get; } = new()
    {
        Kind = "ads1115",
        Summary = "TI ADS1115 16-bit ADC, single-shot per input (Iot.Device.Ads1115.Ads1115)",
        Addresses = [0x48, 0x49, 0x4A, 0x4B],
        Channels = Ads1115Channels,
        Open = (c, device) =>
        {
            var inputs = Mux(c.Device).Select(m => (InputMultiplexer)m).ToArray();
            var range = (MeasuringRange)Ads1115Config.GainFromVolts(c.Device.GainVolts);
            var rate = (DataRate)Ads1115Config.DataRateFromSps(c.Device.DataRate);
            var adc = new Ads1115(device!, inputs[0], range, rate, DeviceMode.PowerDown);
            return new LibrarySource(c.Name, Ads1115Channels(c.Device), adc, values =>
            {
                for (var i = 0; i < inputs.Length; i++)
                {
                    values[i] = adc.RawToVoltage(adc.ReadRaw(inputs[i], range, rate)).Volts;
                }
            });
        },
        Simulate = c =>
        {
            var pins = Enumerable.Range(0, 4)
                .Select(i => SimulatedSignals.For(c, "ain" + i, new() { Offset = 1.0 + (0.2 * i), Amplitude = 0.5, PeriodSeconds = 5 + i, Noise = 0.005 }, 10 + i))
                .ToArray();
            var inputs = Mux(c.Device).Length;
            var values = new double[4];
            var calls = 0;

            // One conversion per configured input per tick: advance the pin signals once per tick.
            return new SimulatedAds1115(c.Address)
            {
                Inputs = pin =>
                {
                    if (calls++ % inputs == 0)
                    {
                        for (var i = 0; i < 4; i++)
                        {
                            values[i] = SimulatedSignals.Finite(pins[i].Next(), 1.0);
                        }
                    }

                    return values[pin];
                },
            };
        },
        Validate = (d, add) =>
        {
            if (d.GainVolts is not (6.144 or 4.096 or 2.048 or 1.024 or 0.512 or 0.256))
            {
                add("GainVolts", d.GainVolts, "must be 6.144, 4.096, 2.048, 1.024, 0.512 or 0.256");
            }

            if (d.DataRate is not (8 or 16 or 32 or 64 or 128 or 250 or 475 or 860))
            {
                add("DataRate", d.DataRate, "must be 8, 16, 32, 64, 128, 250, 475 or 860");
            }

            if (d.Inputs.Count == 0 || d.Inputs.Any(i => !Ads1115Config.TryParseMux(i, out _)))
            {
                add("Inputs", string.Join(",", d.Inputs), "must list AIN0..AIN3 or AIN0-AIN1, AIN0-AIN3, AIN1-AIN3, AIN2-AIN3");
            }
            else if (d.RateHz * d.Inputs.Count > d.DataRate)
            {
                add("RateHz", d.RateHz, $"× {d.Inputs.Count} inputs must not exceed DataRate ({d.DataRate} SPS)");
            }
        },
    };

    /// <summary>
    /// INA219 with the datasheet's calibration procedure (8.5.1): Current_LSB = MaxCurrentAmps / 32768 rounded up to a
    /// round 10^n·{1,2,5} value, Cal = trunc(0.04096 / (Current_LSB · R_shunt)), Power_LSB = 20 · Current_LSB.
    /// Options: ShuntOhms (default 0.1), MaxCurrentAmps (default 3.2).
    /// </summary>
    public static PartDefinition Ina219Part { get; } = new()
    {
        Kind = "ina219",
        Summary = "TI INA219 bus voltage, shunt voltage, current, power (Iot.Device.Adc.Ina219)",
        Addresses = [.. Enumerable.Range(0x40, 16)],
        Channels = Ina219Channels,
        Open = (c, device) =>
        {
            var (calibration, currentLsb) = Ina219Calibration(PartOptions.Double(c.Device, "ShuntOhms", 0.1), PartOptions.Double(c.Device, "MaxCurrentAmps", 3.2));
            var monitor = new Ina219(device!);
            monitor.Reset();
            monitor.BusVoltageRange = Ina219BusVoltageRange.Range32v;
            monitor.PgaSensitivity = Ina219PgaSensitivity.PlusOrMinus320mv;
            monitor.SetCalibration(calibration, (float)currentLsb);
            return new LibrarySource(c.Name, Ina219Channels(c.Device), monitor, values =>
            {
                values[0] = monitor.ReadBusVoltage().Volts;
                values[1] = monitor.ReadShuntVoltage().Volts;
                values[2] = monitor.ReadCurrent().Amperes;
                values[3] = (double)monitor.ReadPower().Watts;
            }, device);
        },
        Simulate = c =>
        {
            var amps = SimulatedSignals.For(c, "current", new() { Offset = 0.8, Amplitude = 0.3, PeriodSeconds = 20, Noise = 0.01 }, 1);
            var volts = SimulatedSignals.For(c, "bus_voltage", new() { Offset = 12, Amplitude = 0.1, PeriodSeconds = 30, Noise = 0.01 }, 2);
            return new SimulatedIna219(c.Address)
            {
                ShuntOhms = PartOptions.Double(c.Device, "ShuntOhms", 0.1),
                Inputs = () => (SimulatedSignals.Finite(amps.Next(), 0.8), SimulatedSignals.Finite(volts.Next(), 12)),
            };
        },
        Validate = (d, add) =>
        {
            PartOptions.CheckDouble(d, "ShuntOhms", 1e-4, 100, add);
            PartOptions.CheckDouble(d, "MaxCurrentAmps", 1e-4, 100, add);
        },
    };

    /// <summary>The datasheet's calibration: (Cal register, Current_LSB in A).</summary>
    public static (ushort Calibration, double CurrentLsb) Ina219Calibration(double shuntOhms, double maxCurrentAmps)
    {
        var minimum = maxCurrentAmps / 32768;
        var decade = Math.Pow(10, Math.Floor(Math.Log10(minimum)));
        var lsb = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * decade).First(v => v >= minimum * (1 - 1e-12));
        var cal = Math.Truncate(0.04096 / (lsb * shuntOhms));
        return ((ushort)Math.Clamp(cal, 1, 0xFFFE), lsb);
    }

    public static string ChannelName(Ads1115Mux mux) => mux switch
    {
        Ads1115Mux.Ain0Ain1 => "ain0_ain1",
        Ads1115Mux.Ain0Ain3 => "ain0_ain3",
        Ads1115Mux.Ain1Ain3 => "ain1_ain3",
        Ads1115Mux.Ain2Ain3 => "ain2_ain3",
        Ads1115Mux.Ain0Gnd => "ain0",
        Ads1115Mux.Ain1Gnd => "ain1",
        Ads1115Mux.Ain2Gnd => "ain2",
        _ => "ain3",
    };

    private static Ads1115Mux[] Mux(DeviceOptions d) =>
        [.. d.Inputs.Select(i => Ads1115Config.TryParseMux(i, out var m) ? m : Ads1115Mux.Ain0Gnd)];

    private static IReadOnlyList<SensorChannel> Ads1115Channels(DeviceOptions d)
    {
        var fsr = d.GainVolts;
        return [.. Mux(d).Select(m => new SensorChannel(ChannelName(m), "V", -fsr, fsr))];
    }

    private static IReadOnlyList<SensorChannel> Ina219Channels(DeviceOptions d) =>
        [new("bus_voltage", "V", 0, 32), new("shunt_voltage", "V", -0.32, 0.32), new("current", "A"), new("power", "W")];
}
