namespace EdgeLam.Sensors.Simulation.Chips;

/// <summary>
/// A ROHM BH1750FVI: one-byte opcodes (power on 0x01, reset 0x07, measurement time 01000_MT[7:5] / 011_MT[4:0],
/// continuous H-resolution 0x10, H-resolution mode 2 0x11, L-resolution 0x13, one-time 0x20/0x21/0x23); a 2-byte read
/// returns the last result MSB first. Result = lux · 1.2 · (MTreg / 69), halved resolution ×2 in mode 2 (datasheet p.11).
/// </summary>
public sealed class SimulatedBh1750 : SimulatedI2cDevice
{
    public const int DefaultAddress = 0x23;

    private int _mtHigh = 69 >> 5;
    private int _mtLow = 69 & 0x1F;
    private ushort _result;

    public SimulatedBh1750(int address = DefaultAddress)
        : base(address)
    {
    }

    public double Lux { get; set; } = 300.0;

    public Func<double>? Inputs { get; set; }

    /// <summary>The raw 16-bit result reported instead of converting <see cref="Lux"/>.</summary>
    public ushort? RawOverride { get; set; }

    public bool PoweredOn { get; private set; }

    /// <summary>MTreg (69 after power-up).</summary>
    public int MeasurementTime => (_mtHigh << 5) | _mtLow;

    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        foreach (var opcode in data)
        {
            switch (opcode)
            {
                case 0x00: PoweredOn = false; break;
                case 0x01: PoweredOn = true; break;
                case 0x07: _result = 0; break;
                case >= 0x40 and <= 0x47: _mtHigh = opcode & 0x07; break;
                case >= 0x60 and <= 0x7F: _mtLow = opcode & 0x1F; break;
                case 0x10 or 0x11 or 0x13 or 0x20 or 0x21 or 0x23:
                    if (PoweredOn && !Faults.Stuck)
                    {
                        Measure(opcode is 0x11 or 0x21);
                    }

                    break;
            }
        }
    }

    protected override void OnRead(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i == 0 ? (byte)(_result >> 8) : i == 1 ? (byte)_result : (byte)0xFF;
        }
    }

    private void Measure(bool mode2)
    {
        if (Inputs is { } inputs)
        {
            Lux = inputs();
        }

        var counts = Lux * 1.2 * (MeasurementTime / 69.0) / (mode2 ? 2 : 1);
        _result = RawOverride ?? (ushort)Math.Clamp(Math.Round(counts), 0, 0xFFFF);
    }
}
