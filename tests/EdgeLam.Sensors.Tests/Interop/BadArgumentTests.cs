using EdgeLam.Linux.Interop;
using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Gpio;
using EdgeLam.Sensors.Model;
using EdgeLam.Testing;

namespace EdgeLam.Sensors.Tests.Interop;

/// <summary>The interop layer called directly with bad arguments: every failure is a typed exception carrying errno.</summary>
public class BadArgumentTests
{
    [Fact]
    public void I2cBusOpen_MissingNode_ThrowsLinuxIoExceptionWithEnoent()
    {
        var e = Assert.Throws<LinuxIoException>(() => I2cBusHandle.Open("/dev/i2c-does-not-exist"));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.True(e.IsDeviceGone);
        Assert.Contains("/dev/i2c-does-not-exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinuxI2cDevice_MissingNode_ThrowsDeviceGone()
    {
        var e = Assert.Throws<SensorException>(() => LinuxI2cBusDevice.Open("/dev/i2c-does-not-exist", 0x76));
        Assert.Equal(SensorFault.DeviceGone, e.Fault);
    }

    [Fact]
    public void I2cIoctls_OnRegularFile_ThrowEnotty()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("not-a-bus");
        File.WriteAllText(path, "x");
        using var bus = I2cBusHandle.Open(path);

        Assert.Equal(Errno.ENOTTY, Assert.Throws<LinuxIoException>(() => bus.SetSlaveAddress(0x76)).Errno);
        Assert.Equal(Errno.ENOTTY, Assert.Throws<LinuxIoException>(() => bus.Transfer(0x76, [0xD0], new byte[1])).Errno);
    }

    [Fact]
    public void I2cTransfer_AddressOutOfRange_ThrowsArgumentOutOfRange()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("f");
        File.WriteAllText(path, "x");
        using var bus = I2cBusHandle.Open(path);

        Assert.Throws<ArgumentOutOfRangeException>(() => bus.Transfer(0x80, [0], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => bus.SetSlaveAddress(-1));
    }

    [Fact]
    public void I2cTransfer_AfterDispose_ThrowsObjectDisposed()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("f");
        File.WriteAllText(path, "x");
        var bus = I2cBusHandle.Open(path);
        bus.Dispose();

        Assert.Throws<ObjectDisposedException>(() => bus.Transfer(0x10, [0], new byte[1]));
    }

    [Fact]
    public void GpioChip_RegularFile_ChipInfoIoctlThrowsEnotty()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("gpiochip0");
        File.WriteAllText(path, "x");
        using var chip = GpioChipHandle.Open(path);

        Assert.Equal(Errno.ENOTTY, Assert.Throws<LinuxIoException>(() => chip.GetInfo()).Errno);
        Assert.Equal(Errno.ENOTTY, Assert.Throws<LinuxIoException>(() => chip.RequestLines([17], GpioV2.FlagInput, "test")).Errno);
        Assert.Throws<ArgumentOutOfRangeException>(() => chip.RequestLines([], GpioV2.FlagInput, "test"));
    }

    [Fact]
    public void GpioLineSource_MissingChip_ThrowsDeviceGone()
    {
        var e = Assert.Throws<SensorException>(() => new GpioLineSource("door", "/dev/gpiochip-missing", [("door", 17u)], GpioEdge.Both));
        Assert.Equal(SensorFault.DeviceGone, e.Fault);
    }

    [Fact]
    public void SysfsRead_Missing_ThrowsEnoent()
    {
        Span<byte> buffer = stackalloc byte[8];
        try
        {
            SysfsFile.Read("/sys/bus/iio/devices/iio:device999/in_temp_raw", buffer);
            Assert.Fail("expected an exception");
        }
        catch (LinuxIoException e)
        {
            Assert.Equal(Errno.ENOENT, e.Errno);
        }
    }

    [Fact]
    public void IoctlEncoding_MatchesAsmGenericMacro()
    {
        // _IOWR('d', 1, 8) computed by hand: dir 3 << 30 | size 8 << 16 | type 0x64 << 8 | nr 1.
        Assert.Equal((nuint)(0xC0000000u | (8u << 16) | (0x64u << 8) | 1u), IoctlRequest.IoWR(0x64, 1, 8));
    }
}
