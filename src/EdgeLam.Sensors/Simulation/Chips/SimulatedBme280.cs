using EdgeLam.Sensors.Simulation.ChipModels;

namespace EdgeLam.Sensors.Simulation.Chips;

/// <summary>
/// A BME280 (or, with chip id 0x58, BMP280) register map: chip id, calibration NVM, control registers and the
/// 0xF7..0xFE data block. In normal mode a new conversion lands in the data registers each time the master points at
/// the temperature MSB 0xFA, which the .NET IoT driver reads first in every read (unless the chip is stuck); a forced
/// mode write converts once and returns to sleep. Physical inputs become ADC codes by inverting the compensation.
/// </summary>
public sealed class SimulatedBme280 : RegisterMapDevice
{
    /// <summary>A plausible calibration set: the BMP280 datasheet's example (T, P) with typical BME280 humidity trims.</summary>
    public static readonly Bme280Calibration TypicalCalibration = new(
        27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000, 75, 362, 0, 333, 0, 30);

    /// <summary>The BMP280's chip id (temperature and pressure only).</summary>
    public const byte Bmp280ChipId = 0x58;

    private readonly byte _chipId;

    public SimulatedBme280(int address = Bme280Constants.DefaultAddress, Bme280Calibration? calibration = null, byte chipId = Bme280Constants.ChipId)
        : base(address)
    {
        _chipId = chipId;
        Calibration = calibration ?? TypicalCalibration;
        Reset();
    }

    /// <summary>temp_msb: the first data register the library driver reads.</summary>
    public const byte TemperatureMsb = 0xFA;

    public Bme280Calibration Calibration { get; }

    public double TemperatureCelsius { get; set; } = 21.0;

    public double PressurePascal { get; set; } = 101325.0;

    public double HumidityPercent { get; set; } = 45.0;

    /// <summary>When set, each conversion takes T, P, H from these (for example seeded signal generators).</summary>
    public Func<(double T, double P, double H)>? Inputs { get; set; }

    /// <summary>When set, conversions report these raw ADC values instead of inverting physical inputs.</summary>
    public (int AdcT, int AdcP, int AdcH)? RawOverride { get; set; }

    public int Conversions { get; private set; }

    protected override bool IsWritable(byte register) =>
        register is (byte)Bme280Register.ControlHumidity or (byte)Bme280Register.ControlMeasurement or (byte)Bme280Register.Config;

    protected override void OnRegisterWritten(byte register, byte value)
    {
        if (register == (byte)Bme280Register.Reset && value == Bme280Constants.ResetCommand)
        {
            Reset();
        }
        else if (register == (byte)Bme280Register.ControlMeasurement && (value & 0b11) == Bme280Constants.ModeForced)
        {
            Convert();
            this[(int)Bme280Register.ControlMeasurement] = (byte)(value & ~0b11);
        }
    }

    protected override void OnPointerSet(byte register)
    {
        if (register == TemperatureMsb && (this[(int)Bme280Register.ControlMeasurement] & 0b11) == Bme280Constants.ModeNormal)
        {
            Convert();
        }
    }

    private void Reset()
    {
        Span<byte> block1 = stackalloc byte[Bme280Calibration.Block1Length];
        Span<byte> block2 = stackalloc byte[Bme280Calibration.Block2Length];
        Calibration.Encode(block1, block2);
        block1.CopyTo(Registers[(int)Bme280Register.Calibration00..]);
        block2.CopyTo(Registers[(int)Bme280Register.Calibration26..]);
        this[(int)Bme280Register.ChipId] = _chipId;
        this[(int)Bme280Register.ControlHumidity] = 0;
        this[(int)Bme280Register.ControlMeasurement] = 0;
        this[(int)Bme280Register.Config] = 0;
        WriteData(Bme280Constants.Skipped20, Bme280Constants.Skipped20, Bme280Constants.Skipped16);
    }

    private void Convert()
    {
        if (Faults.Stuck)
        {
            return;
        }

        Conversions++;
        if (RawOverride is { } raw)
        {
            WriteData(raw.AdcT, raw.AdcP, raw.AdcH);
            return;
        }

        if (Inputs is { } inputs)
        {
            (TemperatureCelsius, PressurePascal, HumidityPercent) = inputs();
        }

        var c = Calibration;
        var adcT = Invert(0, (1 << 20) - 1, a => Bme280Compensation.TemperatureInt32(a, c, out _), TemperatureCelsius * 100, increasing: true);
        Bme280Compensation.TemperatureInt32(adcT, c, out var tFine);
        var adcP = Invert(0, (1 << 20) - 1, a => Bme280Compensation.PressureInt64(a, c, tFine), PressurePascal * 256, increasing: false);
        var adcH = Invert(0, 0xFFFF, a => Bme280Compensation.HumidityInt32(a, c, tFine), HumidityPercent * 1024, increasing: true);
        WriteData(adcT, adcP, adcH);
    }

    private void WriteData(int adcT, int adcP, int adcH)
    {
        var r = Registers;
        r[0xF7] = (byte)(adcP >> 12);
        r[0xF8] = (byte)(adcP >> 4);
        r[0xF9] = (byte)((adcP & 0xF) << 4);
        r[0xFA] = (byte)(adcT >> 12);
        r[0xFB] = (byte)(adcT >> 4);
        r[0xFC] = (byte)((adcT & 0xF) << 4);
        r[0xFD] = (byte)(adcH >> 8);
        r[0xFE] = (byte)adcH;
    }

    /// <summary>Binary search for the ADC code whose compensated value is closest to <paramref name="target"/> (monotonic).</summary>
    internal static int Invert(int low, int high, Func<int, double> compensate, double target, bool increasing)
    {
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            var value = compensate(mid);
            if (increasing ? value < target : value > target)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
