using System.Globalization;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Parts;

/// <summary>
/// Turns what the .NET IoT library throws into a typed <see cref="SensorException"/>. The library's Linux I2C bus words
/// a failed transfer as <c>"Error {errno} ({text}) performing I2C data transfer."</c>; the errno decides the fault.
/// </summary>
public static class LibraryFaults
{
    private const int ENOENT = 2;
    private const int EIO = 5;
    private const int ENXIO = 6;
    private const int ENODEV = 19;
    private const int EREMOTEIO = 121;

    /// <summary>Whether <paramref name="e"/> is a device failure (as opposed to a bug in the caller).</summary>
    public static bool IsDeviceFault(Exception e) =>
        e is SensorException or IOException or TimeoutException or InvalidOperationException or UnauthorizedAccessException;

    public static SensorException Translate(string name, Exception e)
    {
        if (e is SensorException s)
        {
            return s;
        }

        var fault = e switch
        {
            EndOfStreamException => SensorFault.ShortRead,
            TimeoutException => SensorFault.Timeout,
            FileNotFoundException or DirectoryNotFoundException => SensorFault.DeviceGone,
            IOException io => FromErrno(ErrnoOf(io.Message)),
            InvalidOperationException => SensorFault.BadData,
            _ => SensorFault.Io,
        };
        return new SensorException(fault, $"{name}: {e.Message}", e);
    }

    /// <summary>The errno in a library message that starts with "Error N", else -1.</summary>
    public static int ErrnoOf(string message)
    {
        const string prefix = "Error ";
        var i = message.IndexOf(prefix, StringComparison.Ordinal);
        if (i < 0)
        {
            return -1;
        }

        var digits = message.AsSpan(i + prefix.Length);
        var n = 0;
        while (n < digits.Length && char.IsAsciiDigit(digits[n]))
        {
            n++;
        }

        return n > 0 && int.TryParse(digits[..n], NumberStyles.None, CultureInfo.InvariantCulture, out var errno) ? errno : -1;
    }

    private static SensorFault FromErrno(int errno) => errno switch
    {
        EREMOTEIO or ENXIO or EIO => SensorFault.NoAcknowledge,
        ENOENT or ENODEV => SensorFault.DeviceGone,
        _ => SensorFault.Io,
    };
}
