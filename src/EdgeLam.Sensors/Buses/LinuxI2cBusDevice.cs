using EdgeLam.Linux.Interop;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Buses;

/// <summary>A device on <c>/dev/i2c-N</c>: I2C_SLAVE at open, every transaction through I2C_RDWR.</summary>
public sealed class LinuxI2cBusDevice : I2cBusDevice
{
    private readonly I2cBusHandle _bus;

    private LinuxI2cBusDevice(I2cBusHandle bus, int address)
        : base(address)
    {
        _bus = bus;
    }

    /// <summary>Opens <paramref name="busPath"/> (for example <c>/dev/i2c-1</c>) for the device at <paramref name="address"/>.</summary>
    public static LinuxI2cBusDevice Open(string busPath, int address)
    {
        I2cBusHandle? bus = null;
        try
        {
            bus = I2cBusHandle.Open(busPath);
            bus.SetSlaveAddress(address);
            return new LinuxI2cBusDevice(bus, address);
        }
        catch (LinuxIoException e)
        {
            bus?.Dispose();
            throw Translate(e);
        }
    }

    public override void Read(Span<byte> buffer) => Transfer([], buffer);

    public override void Write(ReadOnlySpan<byte> buffer) => Transfer(buffer, []);

    public override void WriteRead(ReadOnlySpan<byte> write, Span<byte> read) => Transfer(write, read);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bus.Dispose();
        }
    }

    private void Transfer(ReadOnlySpan<byte> write, Span<byte> read)
    {
        try
        {
            _bus.Transfer(Address, write, read);
        }
        catch (LinuxIoException e)
        {
            throw Translate(e);
        }
    }

    private static SensorException Translate(LinuxIoException e)
    {
        var fault = e.IsNoAcknowledge ? SensorFault.NoAcknowledge : e.IsDeviceGone ? SensorFault.DeviceGone : SensorFault.Io;
        return new SensorException(fault, e.Message, e);
    }
}
