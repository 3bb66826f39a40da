using EdgeLam.Sensors.Simulation.ChipModels;

namespace EdgeLam.Sensors.Simulation.Chips;

/// <summary>
/// An ADS1115: an address-pointer register selects one of four 16-bit registers; a 3-byte write loads a register, a
/// 1-byte write only moves the pointer; reads return the pointed register MSB first. Writing the config with OS=1 in
/// single-shot mode converts the selected input (clamped to the PGA's full scale) into the conversion register.
/// </summary>
public sealed class SimulatedAds1115 : SimulatedI2cDevice
{
    private readonly ushort[] _registers = new ushort[4];
    private int _pointer;
    private int _busyRemaining;

    public SimulatedAds1115(int address = Ads1115Config.DefaultAddress)
        : base(address)
    {
        _registers[(int)Ads1115Register.Config] = Ads1115Config.Default;
        _registers[(int)Ads1115Register.LowThreshold] = 0x8000;
        _registers[(int)Ads1115Register.HighThreshold] = 0x7FFF;
    }

    /// <summary>Voltages on AIN0..AIN3 relative to GND.</summary>
    public double[] InputVolts { get; } = new double[4];

    public Func<int, double>? Inputs { get; set; }

    /// <summary>How many config reads report OS=0 (busy) after a conversion starts.</summary>
    public int BusyPolls { get; set; }

    public ushort LastConfigWritten { get; private set; }

    public ushort this[Ads1115Register register] => _registers[(int)register];

    protected override void OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        _pointer = data[0] & 0x03;
        if (data.Length < 3)
        {
            return;
        }

        var value = (ushort)((data[1] << 8) | data[2]);
        if (_pointer == (int)Ads1115Register.Conversion)
        {
            return;
        }

        if (_pointer != (int)Ads1115Register.Config)
        {
            _registers[_pointer] = value;
            return;
        }

        LastConfigWritten = value;
        _registers[_pointer] = (ushort)(value & ~Ads1115Config.OperationalStatus);
        if ((value & Ads1115Config.OperationalStatus) != 0 && (value & Ads1115Config.SingleShot) != 0)
        {
            Convert(value);
            _busyRemaining = BusyPolls;
        }

        if (_busyRemaining == 0)
        {
            _registers[_pointer] |= Ads1115Config.OperationalStatus;
        }
    }

    protected override void OnRead(Span<byte> data)
    {
        var value = _registers[_pointer];
        if (_pointer == (int)Ads1115Register.Config && _busyRemaining > 0)
        {
            _busyRemaining--;
            if (_busyRemaining == 0)
            {
                _registers[_pointer] |= Ads1115Config.OperationalStatus;
            }
        }

        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i == 0 ? (byte)(value >> 8) : i == 1 ? (byte)value : (byte)0xFF;
        }
    }

    private void Convert(ushort config)
    {
        if (Faults.Stuck)
        {
            return;
        }

        var mux = (Ads1115Mux)((config >> 12) & 0x7);
        var gain = (Ads1115Gain)Math.Min((config >> 9) & 0x7, (int)Ads1115Gain.Fsr256);
        double Pin(int i) => Inputs is { } f ? f(i) : InputVolts[i];
        var volts = mux switch
        {
            Ads1115Mux.Ain0Ain1 => Pin(0) - Pin(1),
            Ads1115Mux.Ain0Ain3 => Pin(0) - Pin(3),
            Ads1115Mux.Ain1Ain3 => Pin(1) - Pin(3),
            Ads1115Mux.Ain2Ain3 => Pin(2) - Pin(3),
            Ads1115Mux.Ain0Gnd => Pin(0),
            Ads1115Mux.Ain1Gnd => Pin(1),
            Ads1115Mux.Ain2Gnd => Pin(2),
            _ => Pin(3),
        };
        var code = Math.Round(volts / (Ads1115Config.FullScaleVolts(gain) / 32768.0));
        _registers[(int)Ads1115Register.Conversion] = (ushort)(short)Math.Clamp(code, short.MinValue, short.MaxValue);
    }
}
