using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Drivers.Bme280;

/// <summary>
/// Bosch BME280 temperature / pressure / humidity sensor over I2C, run in normal mode so a read is one burst of the
/// eight data registers (0xF7..0xFE) with no conversion wait.
/// </summary>
public sealed class Bme280 : ISensorSource
{
    private static readonly SensorChannel[] ChannelList =
    [
        new("temperature", "degC", -40, 85),
        new("pressure", "Pa", 30000, 110000),
        new("humidity", "%RH", 0, 100),
    ];

    private readonly I2cBusDevice _device;
    private readonly bool _ownsDevice;

    public Bme280(I2cBusDevice device, string name = "bme280", Bme280Oversampling oversampling = Bme280Oversampling.X1, bool ownsDevice = true)
    {
        _device = device;
        _ownsDevice = ownsDevice;
        Name = name;
        var id = device.ReadRegister((byte)Bme280Register.ChipId);
        if (id != Bme280Constants.ChipId)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: chip id 0x{id:X2} at 0x{device.Address:X2}, expected 0x60 (BME280)");
        }

        Span<byte> block1 = stackalloc byte[Bme280Calibration.Block1Length];
        Span<byte> block2 = stackalloc byte[Bme280Calibration.Block2Length];
        device.ReadRegisters((byte)Bme280Register.Calibration00, block1);
        device.ReadRegisters((byte)Bme280Register.Calibration26, block2);
        Calibration = Bme280Calibration.Parse(block1, block2);

        // ctrl_hum only takes effect after a write to ctrl_meas (datasheet 5.4.3), so write it first.
        var os = (byte)oversampling;
        device.WriteRegister((byte)Bme280Register.ControlHumidity, os);
        device.WriteRegister((byte)Bme280Register.Config, 0x00);
        device.WriteRegister((byte)Bme280Register.ControlMeasurement, (byte)((os << 5) | (os << 2) | Bme280Constants.ModeNormal));
    }

    public string Name { get; }

    public IReadOnlyList<SensorChannel> Channels => ChannelList;

    public Bme280Calibration Calibration { get; }

    /// <summary>Reads the raw ADC values and compensates them: °C, Pa, %RH.</summary>
    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        Span<byte> data = stackalloc byte[8];
        _device.ReadRegisters((byte)Bme280Register.PressureMsb, data);
        var adcP = (data[0] << 12) | (data[1] << 4) | (data[2] >> 4);
        var adcT = (data[3] << 12) | (data[4] << 4) | (data[5] >> 4);
        var adcH = (data[6] << 8) | data[7];
        if (adcT == Bme280Constants.Skipped20)
        {
            samples[0] = SensorSample.Missing(timestampNs);
            samples[1] = SensorSample.Missing(timestampNs);
            samples[2] = SensorSample.Missing(timestampNs);
            return;
        }

        var c = Calibration;
        var t = Bme280Compensation.TemperatureInt32(adcT, c, out var tFine);
        samples[0] = new SensorSample(timestampNs, t / 100.0, SampleQuality.Good);
        samples[1] = adcP == Bme280Constants.Skipped20
            ? SensorSample.Missing(timestampNs)
            : new SensorSample(timestampNs, Bme280Compensation.PressureInt64(adcP, c, tFine) / 256.0, SampleQuality.Good);
        samples[2] = adcH == Bme280Constants.Skipped16
            ? SensorSample.Missing(timestampNs)
            : new SensorSample(timestampNs, Bme280Compensation.HumidityInt32(adcH, c, tFine) / 1024.0, SampleQuality.Good);
    }

    public void Dispose()
    {
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }
}
