using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Drivers.Bmp180;

/// <summary>
/// Bosch BMP180 barometer: a read starts a temperature conversion, waits, reads UT, starts a pressure conversion, waits,
/// reads UP, and compensates. The wait polls the start-of-conversion bit after the datasheet's conversion time.
/// </summary>
public sealed class Bmp180 : ISensorSource
{
    private static readonly SensorChannel[] ChannelList =
    [
        new("temperature", "degC", -40, 85),
        new("pressure", "Pa", 30000, 110000),
    ];

    private readonly I2cBusDevice _device;
    private readonly bool _ownsDevice;
    private readonly Action<int> _waitMicroseconds;

    /// <param name="waitMicroseconds">How to wait for a conversion (default: Thread.Sleep); simulated chips convert instantly.</param>
    public Bmp180(I2cBusDevice device, string name = "bmp180", int oversampling = 0, Action<int>? waitMicroseconds = null, bool ownsDevice = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oversampling);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oversampling, 3);
        _device = device;
        _ownsDevice = ownsDevice;
        _waitMicroseconds = waitMicroseconds ?? (us => Thread.Sleep(TimeSpan.FromMicroseconds(us)));
        Name = name;
        Oversampling = oversampling;
        var id = device.ReadRegister((byte)Bmp180Register.ChipId);
        if (id != Bmp180Command.ChipIdValue)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: chip id 0x{id:X2} at 0x{device.Address:X2}, expected 0x55 (BMP180)");
        }

        Span<byte> calibration = stackalloc byte[Bmp180Calibration.Length];
        device.ReadRegisters((byte)Bmp180Register.CalibrationAc1, calibration);
        Calibration = Bmp180Calibration.Parse(calibration);
        if (Calibration.AC4 is 0 or 0xFFFF || Calibration.AC5 == 0)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: calibration EEPROM reads as blank");
        }
    }

    public string Name { get; }

    public int Oversampling { get; }

    public Bmp180Calibration Calibration { get; }

    public IReadOnlyList<SensorChannel> Channels => ChannelList;

    /// <summary>Reads temperature (°C) and pressure (Pa).</summary>
    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        var ut = Convert(Bmp180Command.Temperature, 2, pressure: false);
        var up = Convert(Bmp180Command.Pressure(Oversampling), 3, pressure: true) >> (8 - Oversampling);
        var c = Calibration;
        var b5 = Bmp180Compensation.B5(ut, c);
        samples[0] = new SensorSample(timestampNs, ((b5 + 8) >> 4) / 10.0, SampleQuality.Good);
        samples[1] = new SensorSample(timestampNs, Bmp180Compensation.Pressure(up, Oversampling, c, b5), SampleQuality.Good);
    }

    public void Dispose()
    {
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }

    private int Convert(byte command, int bytes, bool pressure)
    {
        _device.WriteRegister((byte)Bmp180Register.ControlMeasurement, command);
        var wait = Bmp180Command.ConversionMicroseconds(pressure, Oversampling);
        for (var attempt = 0; ; attempt++)
        {
            _waitMicroseconds(wait);
            if ((_device.ReadRegister((byte)Bmp180Register.ControlMeasurement) & Bmp180Command.StartOfConversion) == 0)
            {
                break;
            }

            if (attempt == 3)
            {
                throw new SensorException(SensorFault.Timeout, $"{Name}: conversion 0x{command:X2} did not complete");
            }
        }

        Span<byte> data = stackalloc byte[3];
        _device.ReadRegisters((byte)Bmp180Register.OutMsb, data[..bytes]);
        return bytes == 2 ? (data[0] << 8) | data[1] : (data[0] << 16) | (data[1] << 8) | data[2];
    }
}
