using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Simulation;

/// <summary>
/// A simulated chip on the bus. Subclasses implement the chip's protocol in <see cref="OnWrite"/> and <see cref="OnRead"/>;
/// this class turns the injected faults into the errors a real adapter reports (NACK → NoAcknowledge, truncated read →
/// ShortRead). A combined write-read is a write followed by a read, as on the wire.
/// </summary>
public abstract class SimulatedI2cDevice : I2cBusDevice
{
    protected SimulatedI2cDevice(int address)
        : base(address)
    {
    }

    public I2cFaultInjector Faults { get; } = new();

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

    public sealed override void WriteRead(ReadOnlySpan<byte> write, Span<byte> read)
    {
        BeginTransaction();
        OnWrite(write);
        ReadChecked(read);
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
            throw new SensorException(SensorFault.NoAcknowledge, $"I2C device 0x{Address:X2} did not acknowledge (absent)");
        }

        if (Faults.NackNext > 0)
        {
            Faults.NackNext--;
            throw new SensorException(SensorFault.NoAcknowledge, $"I2C device 0x{Address:X2} did not acknowledge");
        }
    }

    private void ReadChecked(Span<byte> buffer)
    {
        if (Faults.ShortReadNext > 0 && Faults.ShortReadBytes < buffer.Length)
        {
            Faults.ShortReadNext--;
            OnRead(buffer[..Faults.ShortReadBytes]);
            throw new SensorException(
                SensorFault.ShortRead,
                $"I2C device 0x{Address:X2} returned {Faults.ShortReadBytes} of {buffer.Length} bytes");
        }

        OnRead(buffer);
    }
}
