using System.Buffers.Binary;
using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Drivers.Mpu6050;

/// <summary>
/// InvenSense MPU-6050 accelerometer + gyroscope: wakes the chip with the PLL clock, sets the full-scale ranges and
/// reads the 14 data bytes in one burst. Acceleration in m/s², angular rate in °/s, die temperature in °C.
/// </summary>
public sealed class Mpu6050 : ISensorSource
{
    private readonly I2cBusDevice _device;
    private readonly bool _ownsDevice;
    private readonly double _accelScale;
    private readonly double _gyroScale;
    private readonly SensorChannel[] _channels;

    public Mpu6050(
        I2cBusDevice device,
        string name = "mpu6050",
        Mpu6050AccelRange accelRange = Mpu6050AccelRange.G2,
        Mpu6050GyroRange gyroRange = Mpu6050GyroRange.Dps250,
        bool ownsDevice = true)
    {
        _device = device;
        _ownsDevice = ownsDevice;
        Name = name;
        AccelRange = accelRange;
        GyroRange = gyroRange;
        var id = device.ReadRegister((byte)Mpu6050Register.WhoAmI);
        if ((id & 0x7E) != Mpu6050Scale.WhoAmIValue)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: WHO_AM_I 0x{id:X2} at 0x{device.Address:X2}, expected 0x68 (MPU-6050)");
        }

        device.WriteRegister((byte)Mpu6050Register.PowerManagement1, Mpu6050Scale.ClockPllX);
        device.WriteRegister((byte)Mpu6050Register.GyroConfig, (byte)((byte)gyroRange << 3));
        device.WriteRegister((byte)Mpu6050Register.AccelConfig, (byte)((byte)accelRange << 3));
        _accelScale = Mpu6050Scale.StandardGravity / Mpu6050Scale.AccelLsbPerG(accelRange);
        _gyroScale = 1.0 / Mpu6050Scale.GyroLsbPerDps(gyroRange);
        var g = 2 << (int)accelRange;
        var dps = 250 << (int)gyroRange;
        var a = g * Mpu6050Scale.StandardGravity;
        _channels =
        [
            new("accel_x", "m/s2", -a, a),
            new("accel_y", "m/s2", -a, a),
            new("accel_z", "m/s2", -a, a),
            new("gyro_x", "deg/s", -dps, dps),
            new("gyro_y", "deg/s", -dps, dps),
            new("gyro_z", "deg/s", -dps, dps),
            new("temperature", "degC", -40, 85),
        ];
    }

    public string Name { get; }

    public Mpu6050AccelRange AccelRange { get; }

    public Mpu6050GyroRange GyroRange { get; }

    public IReadOnlyList<SensorChannel> Channels => _channels;

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        Span<byte> data = stackalloc byte[14];
        _device.ReadRegisters((byte)Mpu6050Register.AccelXoutHigh, data);
        for (var i = 0; i < 3; i++)
        {
            samples[i] = new SensorSample(timestampNs, BinaryPrimitives.ReadInt16BigEndian(data[(2 * i)..]) * _accelScale, SampleQuality.Good);
            samples[3 + i] = new SensorSample(timestampNs, BinaryPrimitives.ReadInt16BigEndian(data[(8 + (2 * i))..]) * _gyroScale, SampleQuality.Good);
        }

        samples[6] = new SensorSample(timestampNs, Mpu6050Scale.TemperatureCelsius(BinaryPrimitives.ReadInt16BigEndian(data[6..])), SampleQuality.Good);
    }

    public void Dispose()
    {
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }
}
