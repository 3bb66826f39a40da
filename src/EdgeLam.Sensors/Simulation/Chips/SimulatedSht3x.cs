namespace EdgeLam.Sensors.Simulation.Chips;

/// <summary>
/// A Sensirion SHT3x: 16-bit commands; a single-shot measurement command (0x24xx, clock stretching off) latches one
/// conversion, which the next 6-byte read returns as T MSB, T LSB, CRC, RH MSB, RH LSB, CRC (datasheet 4.4, 4.12).
/// S_T = (T + 45) · 65535 / 175 and S_RH = RH · 65535 / 100 (section 4.13). CRC-8: polynomial 0x31, init 0xFF.
/// </summary>
public sealed class SimulatedSht3x : SimulatedI2cDevice
{
    public const int DefaultAddress = 0x44;

    private readonly byte[] _frame = new byte[6];

    public SimulatedSht3x(int address = DefaultAddress)
        : base(address)
    {
    }

    public double TemperatureCelsius { get; set; } = 22.0;

    public double HumidityPercent { get; set; } = 40.0;

    public Func<(double T, double H)>? Inputs { get; set; }

    /// <summary>Raw S_T and S_RH reported instead of converting physical inputs.</summary>
    public (ushort St, ushort Srh)? RawOverride { get; set; }

    /// <summary>The next N frames carry a wrong temperature CRC (a disturbed line).</summary>
    public int CorruptCrcNext { get; set; }

    /// <summary>Commands received, MSB first (0x30A2 soft reset, 0x2400 high repeatability, ...).</summary>
    public IList<ushort> Commands { get; } = [];

    public int Measurements { get; private set; }

    /// <summary>CRC-8 of the SHT3x (datasheet table 20: polynomial 0x31, init 0xFF, no reflection, no final XOR).</summary>
    public static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0xFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ 0x31) : (byte)(crc << 1);
            }
        }

        return crc;
    }

    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            return;
        }

        var command = (ushort)((data[0] << 8) | data[1]);
        Commands.Add(command);
        if (data[0] == 0x24 && !Faults.Stuck)
        {
            Measure();
        }
    }

    protected override void OnRead(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i < _frame.Length ? _frame[i] : (byte)0xFF;
        }
    }

    private void Measure()
    {
        Measurements++;
        if (Inputs is { } inputs)
        {
            (TemperatureCelsius, HumidityPercent) = inputs();
        }

        var (st, srh) = RawOverride ?? (Code((TemperatureCelsius + 45) * 65535 / 175), Code(HumidityPercent * 65535 / 100));
        _frame[0] = (byte)(st >> 8);
        _frame[1] = (byte)st;
        _frame[2] = Crc8(_frame.AsSpan(0, 2));
        _frame[3] = (byte)(srh >> 8);
        _frame[4] = (byte)srh;
        _frame[5] = Crc8(_frame.AsSpan(3, 2));
        if (CorruptCrcNext > 0)
        {
            CorruptCrcNext--;
            _frame[2] ^= 0x5A;
        }
    }

    private static ushort Code(double value) => (ushort)Math.Clamp(Math.Round(value), 0, 65535);
}
