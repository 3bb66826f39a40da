using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Globalization;

namespace EdgeLam.Sensors.Gpio;

/// <summary>Picks System.Device.Gpio's driver for a GPIO chip: libgpiod v2 (libgpiod.so.3), else v1 (.so.2), else sysfs.</summary>
public static class GpioDrivers
{
    /// <summary>The N of <c>/dev/gpiochipN</c>, or null.</summary>
    public static int? ChipNumber(string path)
    {
        const string prefix = "/dev/gpiochip";
        return path.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(path.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }

    public static GpioDriver ForChip(int chip)
    {
        List<Exception> failures = [];
        try
        {
            return new LibGpiodV2Driver(chip);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException or IOException or InvalidOperationException)
        {
            failures.Add(e);
        }

        try
        {
            return new LibGpiodDriver(chip);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException or IOException or InvalidOperationException)
        {
            failures.Add(e);
        }

        // sysfs numbers lines globally; it matches /dev/gpiochip0's offsets on boards whose first chip starts at 0.
        if (chip == 0)
        {
            return new SysFsDriver();
        }

        throw new IOException($"no GPIO driver for gpiochip{chip}: {string.Join("; ", failures.Select(f => f.Message))}");
    }
}
