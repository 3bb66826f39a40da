using EdgeLam.Sensors.Parts;

namespace EdgeLam.Sensors.Simulation.Chips;

/// <summary>
/// A BMP180 register map: chip id 0x55, calibration EEPROM at 0xAA, ctrl_meas at 0xF4 and the 0xF6..0xF8 result.
/// A conversion command completes at once (SCO reads 0) unless <see cref="BusyPolls"/> keeps it busy.
/// </summary>
public sealed class SimulatedBmp180 : RegisterMapDevice
{
    /// <summary>The datasheet's example calibration (BST-BMP180-DS000 section 3.5).</summary>
    public static readonly Bmp180Calibration DatasheetCalibration = new(408, -72, -14383, 32741, 32757, 23153, 6190, 4, -32768, -8711, 2868);

    private int _busyRemaining;

    public SimulatedBmp180(int address = Bmp180Command.DefaultAddress, Bmp180Calibration? calibration = null)
        : base(address)
    {
        Calibration = calibration ?? DatasheetCalibration;
        Span<byte> block = stackalloc byte[Bmp180Calibration.Length];
        Calibration.Encode(block);
        block.CopyTo(Registers[(int)Bmp180Register.CalibrationAc1..]);
        this[(int)Bmp180Register.ChipId] = Bmp180Command.ChipIdValue;
    }

    public Bmp180Calibration Calibration { get; }

    public double TemperatureCelsius { get; set; } = 15.0;

    public double PressurePascal { get; set; } = 101325.0;

    public Func<(double T, double P)>? Inputs { get; set; }

    /// <summary>Raw UT and UP (already shifted right by 8 - oss) reported instead of inverted physical inputs.</summary>
    public (int Ut, int Up)? RawOverride { get; set; }

    /// <summary>How many ctrl_meas reads report the conversion still running.</summary>
    public int BusyPolls { get; set; }

    public IList<byte> Commands { get; } = [];

    protected override bool IsWritable(byte register) => register == (byte)Bmp180Register.ControlMeasurement;

    protected override void OnRegisterWritten(byte register, byte value)
    {
        if (register != (byte)Bmp180Register.ControlMeasurement)
        {
            return;
        }

        Commands.Add(value);
        _busyRemaining = BusyPolls;
        // SCO (bit 5) is part of every start command and reads 0 once the conversion is done.
        this[register] = _busyRemaining > 0 ? (byte)(value | Bmp180Command.StartOfConversion) : (byte)(value & ~Bmp180Command.StartOfConversion);
        if (Faults.Stuck)
        {
            return;
        }

        if (value == Bmp180Command.Temperature)
        {
            if (Inputs is { } inputs)
            {
                (TemperatureCelsius, PressurePascal) = inputs();
            }

            var ut = RawOverride?.Ut ?? Invert(0, 0xFFFF, u => Bmp180Compensation.Temperature(u, Calibration), TemperatureCelsius * 10);
            SetBigEndian16((int)Bmp180Register.OutMsb, ut);
        }
        else if ((value & 0x3F) == 0x34)
        {
            var oss = value >> 6;
            int up;
            if (RawOverride is { } raw)
            {
                up = raw.Up;
            }
            else
            {
                var ut = Invert(0, 0xFFFF, u => Bmp180Compensation.Temperature(u, Calibration), TemperatureCelsius * 10);
                var b5 = Bmp180Compensation.B5(ut, Calibration);
                // The formula is monotonic only over plausible codes (about 10..200 kPa); search there.
                up = Invert(4096 << oss, (65536 << oss) - 1, u => Bmp180Compensation.Pressure(u, oss, Calibration, b5), PressurePascal);
            }

            var shifted = up << (8 - oss);
            this[(int)Bmp180Register.OutMsb] = (byte)(shifted >> 16);
            this[(int)Bmp180Register.OutLsb] = (byte)(shifted >> 8);
            this[(int)Bmp180Register.OutXlsb] = (byte)shifted;
        }
    }

    protected override void OnPointerSet(byte register)
    {
        if (register == (byte)Bmp180Register.ControlMeasurement && _busyRemaining > 0)
        {
            _busyRemaining--;
            if (_busyRemaining == 0)
            {
                this[register] = (byte)(this[register] & ~Bmp180Command.StartOfConversion);
            }
        }
    }

    private static int Invert(int low, int high, Func<int, double> compensate, double target) =>
        SimulatedBme280.Invert(low, high, compensate, target, increasing: true);
}
