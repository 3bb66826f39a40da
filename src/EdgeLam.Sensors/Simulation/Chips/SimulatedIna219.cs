using System.Buffers.Binary;

namespace EdgeLam.Sensors.Simulation.Chips;

/// <summary>
/// A TI INA219: a register pointer and six 16-bit registers, MSB first (datasheet 8.6). The shunt voltage register holds
/// V_shunt / 10 µV; the bus voltage register (V_bus / 4 mV) &lt;&lt; 3 with CNVR (bit 1) set; with the calibration register
/// programmed, current = shunt · cal / 4096 and power = current · bus / 5000 (equations 4 and 5). A conversion lands
/// when the master reads the bus voltage register (the .NET IoT driver's first read of a sample).
/// </summary>
public sealed class SimulatedIna219 : SimulatedI2cDevice
{
    public const int DefaultAddress = 0x40;
    public const ushort ConfigurationReset = 0x399F;

    private readonly ushort[] _registers = new ushort[6];
    private int _pointer;

    public SimulatedIna219(int address = DefaultAddress)
        : base(address)
    {
        _registers[0] = ConfigurationReset;
    }

    public double ShuntOhms { get; set; } = 0.1;

    public double CurrentAmps { get; set; } = 0.5;

    public double BusVolts { get; set; } = 12.0;

    public Func<(double Amps, double Volts)>? Inputs { get; set; }

    public ushort this[int register] => _registers[register];

    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        _pointer = data[0] % _registers.Length;
        if (data.Length < 3)
        {
            return;
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
        if (_pointer == 0 && (value & 0x8000) != 0)
        {
            Array.Clear(_registers);
            _registers[0] = ConfigurationReset;
        }
        else if (_pointer is 0 or 5)
        {
            _registers[_pointer] = value;
        }
    }

    protected override void OnRead(Span<byte> data)
    {
        if (_pointer == 2 && !Faults.Stuck)
        {
            Convert();
        }

        var value = _registers[_pointer];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i == 0 ? (byte)(value >> 8) : i == 1 ? (byte)value : (byte)0xFF;
        }
    }

    private void Convert()
    {
        if (Inputs is { } inputs)
        {
            (CurrentAmps, BusVolts) = inputs();
        }

        var shunt = (short)Math.Clamp(Math.Round(CurrentAmps * ShuntOhms / 10e-6), short.MinValue, short.MaxValue);
        var bus = (int)Math.Clamp(Math.Round(BusVolts / 4e-3), 0, 8000);
        _registers[1] = (ushort)shunt;
        _registers[2] = (ushort)((bus << 3) | 0b10);
        var cal = _registers[5];
        var current = (short)Math.Clamp(shunt * cal / 4096, short.MinValue, short.MaxValue);
        _registers[4] = (ushort)current;
        _registers[3] = (ushort)Math.Clamp(Math.Abs(current) * bus / 5000, 0, ushort.MaxValue);
    }
}
