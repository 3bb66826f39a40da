using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation.ChipModels;
using EdgeLam.Sensors.Simulation.Chips;
using Iot.Device.Imu;

namespace EdgeLam.Sensors.Parts;

/// <summary>InvenSense MPU-6050 on Iot.Device.Imu.Mpu6050.</summary>
internal static class MotionParts
{
    public static PartDefinition Mpu6050Part { get; } = new()
    {
        Kind = "mpu6050",
        Summary = "InvenSense MPU-6050 accelerometer, gyroscope, temperature (Iot.Device.Imu.Mpu6050)",
        Addresses = [0x68, 0x69],
        Channels = Mpu6050Channels,
        Open = (c, device) =>
        {
            var i2c = device!;
            BoschParts.ProbeRegister(c.Name, i2c, (byte)Mpu6050Register.WhoAmI, Mpu6050Scale.WhoAmIValue, "MPU-6050");
            var imu = new Mpu6050(i2c)
            {
                AccelerometerRange = c.Device.AccelRangeG switch
                {
                    4 => AccelerometerRange.Range04G,
                    8 => AccelerometerRange.Range08G,
                    16 => AccelerometerRange.Range16G,
                    _ => AccelerometerRange.Range02G,
                },
                GyroscopeRange = c.Device.GyroRangeDps switch
                {
                    500 => GyroscopeRange.Range0500Dps,
                    1000 => GyroscopeRange.Range1000Dps,
                    2000 => GyroscopeRange.Range2000Dps,
                    _ => GyroscopeRange.Range0250Dps,
                },
            };
            return new LibrarySource(c.Name, Mpu6050Channels(c.Device), imu, values =>
            {
                var a = imu.GetAccelerometer();
                var g = imu.GetGyroscopeReading();
                values[0] = a.X;
                values[1] = a.Y;
                values[2] = a.Z;
                values[3] = g.X;
                values[4] = g.Y;
                values[5] = g.Z;
                values[6] = Mpu6050Celsius(imu.GetTemperature().DegreesCelsius);
            });
        },
        Simulate = c =>
        {
            var ax = SimulatedSignals.For(c, "accel_x", new() { Amplitude = 0.05, PeriodSeconds = 0.2, Noise = 0.01 }, 1);
            var ay = SimulatedSignals.For(c, "accel_y", new() { Amplitude = 0.03, PeriodSeconds = 0.35, Noise = 0.01 }, 2);
            var az = SimulatedSignals.For(c, "accel_z", new() { Offset = 1, Amplitude = 0.02, PeriodSeconds = 0.5, Noise = 0.01 }, 3);
            var gz = SimulatedSignals.For(c, "gyro_z", new() { Amplitude = 5, PeriodSeconds = 4, Noise = 0.2 }, 4);
            return new SimulatedMpu6050(c.Address)
            {
                Inputs = () => ((SimulatedSignals.Finite(ax.Next(), 0), SimulatedSignals.Finite(ay.Next(), 0), SimulatedSignals.Finite(az.Next(), 1)), (0, 0, SimulatedSignals.Finite(gz.Next(), 0))),
            };
        },
        Validate = (d, add) =>
        {
            if (d.AccelRangeG is not (2 or 4 or 8 or 16))
            {
                add("AccelRangeG", d.AccelRangeG, "must be 2, 4, 8 or 16");
            }

            if (d.GyroRangeDps is not (250 or 500 or 1000 or 2000))
            {
                add("GyroRangeDps", d.GyroRangeDps, "must be 250, 500, 1000 or 2000");
            }
        },
    };

    /// <summary>
    /// Iot.Device.Imu.Mpu6050.GetTemperature applies the MPU-6500 formula ((raw − 21) / 333.87 + 21). This recovers the
    /// raw TEMP_OUT count from it and applies the MPU-6050's own (register map RM-MPU-6000A 4.18: raw / 340 + 36.53).
    /// </summary>
    public static double Mpu6050Celsius(double libraryCelsius)
    {
        var raw = Math.Round(((libraryCelsius - 21) * 333.87) + 21);
        return Mpu6050Scale.TemperatureCelsius((short)Math.Clamp(raw, short.MinValue, short.MaxValue));
    }

    private static IReadOnlyList<SensorChannel> Mpu6050Channels(DeviceOptions d)
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
}
