using System.Device.I2c;
using System.Globalization;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Parts;

namespace EdgeLam.Sensors.Buses;

/// <summary>Opens a device on a Linux I2C adapter through System.Device.Gpio (<c>/dev/i2c-N</c> → bus id N).</summary>
public static class I2cBuses
{
    /// <summary>The N of <c>/dev/i2c-N</c>, or null when the path is not an I2C adapter node.</summary>
    public static int? BusId(string path)
    {
        const string prefix = "/dev/i2c-";
        return path.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(path.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }

    /// <summary>
    /// Opens the device at <paramref name="address"/> on <paramref name="path"/>. A missing adapter or a refused open
    /// is a <see cref="SensorException"/> (DeviceGone or Io), never an unhandled exception.
    /// </summary>
    public static I2cDevice Open(string name, string path, int address)
    {
        if (!File.Exists(path))
        {
            throw new SensorException(SensorFault.DeviceGone, $"{name}: {path} does not exist (is the i2c-dev module loaded and the bus enabled?)");
        }

        var bus = BusId(path) ?? throw new SensorException(SensorFault.BadData, $"{name}: I2C bus path '{path}' is not /dev/i2c-N");

        try
        {
            return I2cDevice.Create(new I2cConnectionSettings(bus, address));
        }
        catch (Exception e) when (LibraryFaults.IsDeviceFault(e) || e is PlatformNotSupportedException)
        {
            throw LibraryFaults.Translate(name, e);
        }
    }
}
