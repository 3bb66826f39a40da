using System.Device.I2c;
using EdgeLam.Linux.Interop;
using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Gpio;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Parts;

namespace EdgeLam.Sensors.Tests.Interop;

/// <summary>Buses opened with bad arguments: every failure is a typed, catchable exception, never a crash.</summary>
public class BadArgumentTests
{
    [Fact]
    public void I2cBusesOpen_MissingNode_ThrowsDeviceGone()
    {
        var e = Assert.Throws<SensorException>(() => I2cBuses.Open("env", "/dev/i2c-250", 0x76));
        Assert.Equal(SensorFault.DeviceGone, e.Fault);
        Assert.Contains("/dev/i2c-250", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void I2cBusesOpen_PathNotAnAdapter_ThrowsBadData()
    {
        Assert.Equal(SensorFault.BadData, Assert.Throws<SensorException>(() => I2cBuses.Open("env", "/dev/null", 0x76)).Fault);
    }

    [Fact]
    public void LibraryI2cDevice_MissingBus_ThrowsCatchableIOExceptionThatTranslatesToDeviceGone()
    {
        // System.Device.Gpio opens /dev/i2c-N itself; a missing adapter surfaces as an IOException carrying errno 2.
        var e = Record.Exception(() =>
        {
            using var device = I2cDevice.Create(new I2cConnectionSettings(250, 0x76));
            device.ReadByte();
        });

        var io = Assert.IsAssignableFrom<IOException>(e);
        Assert.Equal(SensorFault.DeviceGone, LibraryFaults.Translate("env", io).Fault);
    }

    [Theory]
    [InlineData("Error 121 (Remote I/O error) performing I2C data transfer.", SensorFault.NoAcknowledge)]
    [InlineData("Error 6 (No such device or address) performing I2C data transfer.", SensorFault.NoAcknowledge)]
    [InlineData("Error 2 (No such file or directory). Can not open I2C device file '/dev/i2c-9'.", SensorFault.DeviceGone)]
    [InlineData("Error 13 (Permission denied). Can not open I2C device file '/dev/i2c-1'.", SensorFault.Io)]
    [InlineData("something else", SensorFault.Io)]
    public void Translate_LibraryMessages_MapErrnoToFault(string message, SensorFault expected)
    {
        Assert.Equal(expected, LibraryFaults.Translate("x", new IOException(message)).Fault);
    }

    [Fact]
    public void GpioLineSource_MissingChip_ThrowsDeviceGone()
    {
        var e = Assert.Throws<SensorException>(() => GpioLineSource.Open("door", "/dev/gpiochip250", [("door", 17)], GpioEdge.Both, false));
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
}
