using System.Device.I2c;

namespace EdgeLam.Sensors.Simulation;

/// <summary>
/// A simulated chip on the bus, as a <see cref="I2cDevice"/> so the .NET IoT drivers run over it unchanged. Subclasses
/// implement the chip's protocol in <see cref="OnWrite"/> and <see cref="OnRead"/>; this class turns the injected faults
/// into the errors the library's Linux bus reports: a NACK is an <see cref="IOException"/> carrying errno 121
/// (EREMOTEIO), exactly as <c>UnixI2cBus</c> words it; a truncated read is an <see cref="EndOfStreamException"/>.
/// A combined write-read is a write followed by a read, as on the wire.
/// </summary>
public abstract class SimulatedI2cDevice : I2cDevice
{
    /// <summary>The text the library's Linux bus throws when the slave does not acknowledge.</summary>
    public const string NoAcknowledgeMessage = "Error 121 (Remote I/O error) performing I2C data transfer.";

    private readonly I2cConnectionSettings _settings;

    protected SimulatedI2cDevice(int address, int busId = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(address);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(address, 0x7F);
        Address = address;
        _settings = new I2cConnectionSettings(busId, address);
    }

    /// <summary>The 7-bit slave address.</summary>
    public int Address { get; }

    public I2cFaultInjector Faults { get; } = new();

    public override I2cConnectionSettings ConnectionSettings => _settings;

    public sealed override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    public sealed override void WriteByte(byte value) => Write([value]);

    public sealed override void Read(Span<byte> buffer)
    {
        BeginTransaction();
        ReadChecked(buffer);
    }

    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        BeginTransaction();
        OnWrite(buffer);
    }

    public sealed override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        BeginTransaction();
        OnWrite(writeBuffer);
        ReadChecked(readBuffer);
    }

    /// <summary>The master wrote <paramref name="data"/> to the chip.</summary>
    protected abstract void OnWrite(ReadOnlySpan<byte> data);

    /// <summary>The master reads <paramref name="data"/>.Length bytes from the chip.</summary>
    protected abstract void OnRead(Span<byte> data);

    private void BeginTransaction()
    {
        Faults.Transactions++;
        if (Faults.Absent)
        {
            throw new IOException(NoAcknowledgeMessage);
        }

        if (Faults.NackNext > 0)
        {
            Faults.NackNext--;
            throw new IOException(NoAcknowledgeMessage);
        }
    }

    private void ReadChecked(Span<byte> buffer)
    {
        if (Faults.ShortReadNext > 0 && Faults.ShortReadBytes < buffer.Length)
        {
            Faults.ShortReadNext--;
            OnRead(buffer[..Faults.ShortReadBytes]);
            throw new EndOfStreamException($"I2C device 0x{Address:X2} returned {Faults.ShortReadBytes} of {buffer.Length} bytes");
        }

        OnRead(buffer);
    }
}
