namespace EdgeLam.Sensors.Simulation;

/// <summary>
/// The register-pointer protocol shared by BME280, BMP180 and MPU-6050: a write's first byte sets the pointer, further
/// bytes are written to consecutive registers; a read returns registers from the pointer, auto-incrementing.
/// </summary>
public abstract class RegisterMapDevice : SimulatedI2cDevice
{
    private readonly byte[] _registers = new byte[256];
    private int _pointer;

    protected RegisterMapDevice(int address)
        : base(address)
    {
    }

    /// <summary>Direct access to the register file (what the chip would hold), for tests and for the chip's model.</summary>
    public byte this[int register]
    {
        get => _registers[register];
        set => _registers[register] = value;
    }

    protected Span<byte> Registers => _registers;

    protected sealed override void OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        _pointer = data[0];
        if (data.Length == 1)
        {
            OnPointerSet(data[0]);
        }

        for (var i = 1; i < data.Length; i++)
        {
            var register = (byte)(_pointer + i - 1);
            if (IsWritable(register))
            {
                _registers[register] = data[i];
            }

            OnRegisterWritten(register, data[i]);
        }
    }

    protected sealed override void OnRead(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = _registers[(byte)(_pointer + i)];
        }

        _pointer = (byte)(_pointer + data.Length);
    }

    /// <summary>Whether a master write lands in the register file (read-only registers ignore writes).</summary>
    protected virtual bool IsWritable(byte register) => true;

    /// <summary>Reacts to a pointer-only write (the start of a register read).</summary>
    protected virtual void OnPointerSet(byte register)
    {
    }

    /// <summary>Reacts to a register write (start a conversion, reset, ...).</summary>
    protected virtual void OnRegisterWritten(byte register, byte value)
    {
    }

    protected void SetBigEndian16(int register, int value)
    {
        _registers[register] = (byte)(value >> 8);
        _registers[register + 1] = (byte)value;
    }

    protected void SetLittleEndian16(int register, int value)
    {
        _registers[register] = (byte)value;
        _registers[register + 1] = (byte)(value >> 8);
    }
}
