namespace EdgeLam.Sensors.Buses;

/// <summary>
/// One device on an I2C bus (dotnet/iot's I2cDevice shape): drivers only speak through these three transactions, so they
/// run unchanged against <see cref="LinuxI2cBusDevice"/> or a simulated chip. Failures throw
/// <see cref="Model.SensorException"/> (NoAcknowledge, ShortRead, DeviceGone, Io).
/// </summary>
public abstract class I2cBusDevice : IDisposable
{
    protected I2cBusDevice(int address)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(address);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(address, 0x7F);
        Address = address;
    }

    /// <summary>The 7-bit slave address.</summary>
    public int Address { get; }

    /// <summary>Reads <paramref name="buffer"/>.Length bytes (one read message).</summary>
    public abstract void Read(Span<byte> buffer);

    /// <summary>Writes the bytes (one write message).</summary>
    public abstract void Write(ReadOnlySpan<byte> buffer);

    /// <summary>Writes then reads with a repeated start (one combined transaction).</summary>
    public abstract void WriteRead(ReadOnlySpan<byte> write, Span<byte> read);

    public byte ReadRegister(byte register)
    {
        Span<byte> value = stackalloc byte[1];
        WriteRead([register], value);
        return value[0];
    }

    public void ReadRegisters(byte register, Span<byte> values) => WriteRead([register], values);

    public void WriteRegister(byte register, byte value) => Write([register, value]);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
