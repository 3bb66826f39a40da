using System.Device.I2c;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Parts;

/// <summary>
/// Bosch BMP180 over a System.Device.Gpio <see cref="I2cDevice"/>, with the datasheet's integer compensation (BST-BMP180-
/// DS000 section 3.5). Not Iot.Device.Bmp180: that driver always converts at oss = 1 and its pressure step divides the
/// final correction by 8 where the datasheet divides by 16 (and squares p in 32 bits), so it reads the datasheet's worked
/// example 417 Pa low (a test pins this; when the library is fixed, the part can move onto it). A read starts a
/// temperature conversion, waits, reads UT, starts a pressure conversion, waits, reads UP; each wait polls the
/// start-of-conversion bit after the datasheet's conversion time.
/// </summary>
public sealed class Bmp180Driver : IDisposable
{
    private readonly I2cDevice _device;
    private readonly Action<int> _waitMicroseconds;

    /// <param name="waitMicroseconds">How to wait for a conversion (default: Thread.Sleep); simulated chips convert instantly.</param>
    public Bmp180Driver(I2cDevice device, string name, int oversampling = 0, Action<int>? waitMicroseconds = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oversampling);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oversampling, 3);
        _device = device;
        _waitMicroseconds = waitMicroseconds ?? (us => Thread.Sleep(TimeSpan.FromMicroseconds(us)));
        Name = name;
        Oversampling = oversampling;
        var id = ReadRegister((byte)Bmp180Register.ChipId);
        if (id != Bmp180Command.ChipIdValue)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: chip id 0x{id:X2} at 0x{device.ConnectionSettings.DeviceAddress:X2}, expected 0x55 (BMP180)");
        }

        Span<byte> calibration = stackalloc byte[Bmp180Calibration.Length];
        device.WriteRead([(byte)Bmp180Register.CalibrationAc1], calibration);
        Calibration = Bmp180Calibration.Parse(calibration);
        if (Calibration.AC4 is 0 or 0xFFFF || Calibration.AC5 == 0)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: calibration EEPROM reads as blank");
        }
    }

    public string Name { get; }

    public int Oversampling { get; }

    public Bmp180Calibration Calibration { get; }

    /// <summary>Reads temperature (°C) and pressure (Pa).</summary>
    public void Read(Span<double> values)
    {
        var ut = Convert(Bmp180Command.Temperature, 2, pressure: false);
        var up = Convert(Bmp180Command.Pressure(Oversampling), 3, pressure: true) >> (8 - Oversampling);
        var c = Calibration;
        var b5 = Bmp180Compensation.B5(ut, c);
        values[0] = ((b5 + 8) >> 4) / 10.0;
        values[1] = Bmp180Compensation.Pressure(up, Oversampling, c, b5);
    }

    public void Dispose() => _device.Dispose();

    private int Convert(byte command, int bytes, bool pressure)
    {
        _device.Write([(byte)Bmp180Register.ControlMeasurement, command]);
        var wait = Bmp180Command.ConversionMicroseconds(pressure, Oversampling);
        for (var attempt = 0; ; attempt++)
        {
            _waitMicroseconds(wait);
            if ((ReadRegister((byte)Bmp180Register.ControlMeasurement) & Bmp180Command.StartOfConversion) == 0)
            {
                break;
            }

            if (attempt == 3)
            {
                throw new SensorException(SensorFault.Timeout, $"{Name}: conversion 0x{command:X2} did not complete");
            }
        }

        Span<byte> data = stackalloc byte[3];
        _device.WriteRead([(byte)Bmp180Register.OutMsb], data[..bytes]);
        return bytes == 2 ? (data[0] << 8) | data[1] : (data[0] << 16) | (data[1] << 8) | data[2];
    }

    private byte ReadRegister(byte register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([register], value);
        return value[0];
    }
}
