using System.Buffers.Text;
using EdgeLam.Linux.Interop;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Iio;

/// <summary>
/// A Linux IIO device read through sysfs (<c>{root}/iio:deviceN</c>). Each channel's value follows the kernel ABI
/// (Documentation/ABI/testing/sysfs-bus-iio): a processed <c>in_X_input</c> is used as is; otherwise
/// value = (<c>in_X_raw</c> + <c>in_X_offset</c>) × <c>in_X_scale</c>, with offset 0 and scale 1 when absent and the
/// type-wide <c>in_T_offset</c> / <c>in_T_scale</c> used when the channel has none. (Not raw × scale + offset: the ABI
/// adds the offset before scaling.) The root is configurable so tests run against fixture trees.
/// </summary>
public sealed class IioDevice : ISensorSource
{
    public const string DefaultRoot = "/sys/bus/iio/devices";

    private readonly IioChannel[] _channels;
    private readonly SensorChannel[] _sensorChannels;

    private IioDevice(string name, string directory, IioChannel[] channels)
    {
        Name = name;
        Directory = directory;
        _channels = channels;
        _sensorChannels = [.. channels.Select(c => new SensorChannel(c.Name, c.Unit))];
    }

    public string Name { get; }

    public string Directory { get; }

    public IReadOnlyList<IioChannel> IioChannels => _channels;

    public IReadOnlyList<SensorChannel> Channels => _sensorChannels;

    /// <summary>
    /// Opens the device whose directory is <paramref name="device"/> (for example <c>iio:device0</c>) or whose <c>name</c>
    /// attribute equals it. <paramref name="channelFilter"/> keeps only the named channels (for example <c>temp</c>, <c>voltage0</c>).
    /// </summary>
    public static IioDevice Open(string root, string device, IReadOnlyCollection<string>? channelFilter = null, string? sourceName = null)
    {
        var directory = Resolve(root, device)
            ?? throw new SensorException(SensorFault.DeviceGone, $"IIO device '{device}' not found under {root}");
        var channels = new List<IioChannel>();
        try
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "in_*").Order(StringComparer.Ordinal))
            {
                var file = Path.GetFileName(path);
                var processed = file.EndsWith("_input", StringComparison.Ordinal);
                if (!processed && !file.EndsWith("_raw", StringComparison.Ordinal))
                {
                    continue;
                }

                var baseName = file[..file.LastIndexOf('_')];
                var name = baseName[3..];
                if (channelFilter is { Count: > 0 } && !channelFilter.Contains(name))
                {
                    continue;
                }

                if (!processed && File.Exists(Path.Combine(directory, baseName + "_input")))
                {
                    continue; // prefer the kernel's processed value
                }

                var type = IioUnits.TypeOf(baseName);
                var (unit, factor) = IioUnits.For(type);
                var offset = processed ? 0.0 : ReadAttribute(directory, baseName + "_offset", "in_" + type + "_offset", 0.0);
                var scale = processed ? 1.0 : ReadAttribute(directory, baseName + "_scale", "in_" + type + "_scale", 1.0);
                channels.Add(new IioChannel(name, path, processed, offset, scale, unit, factor));
            }
        }
        catch (DirectoryNotFoundException e)
        {
            throw new SensorException(SensorFault.DeviceGone, $"IIO device {directory} vanished", e);
        }

        if (channels.Count == 0)
        {
            throw new SensorException(SensorFault.BadData, $"IIO device {directory} has no matching in_*_raw or in_*_input channels");
        }

        return new IioDevice(sourceName ?? device, directory, [.. channels]);
    }

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        for (var i = 0; i < _channels.Length; i++)
        {
            var c = _channels[i];
            var raw = ReadNumber(c.ValuePath);
            var value = c.IsProcessed ? raw : (raw + c.Offset) * c.Scale;
            samples[i] = new SensorSample(timestampNs, value * c.UnitFactor, SampleQuality.Good);
        }
    }

    public void Dispose()
    {
    }

    /// <summary>Reads a sysfs number (integer or decimal, trailing newline) without allocating.</summary>
    public static double ReadNumber(string path)
    {
        Span<byte> buffer = stackalloc byte[64];
        int n;
        try
        {
            n = SysfsFile.Read(path, buffer);
        }
        catch (LinuxIoException e)
        {
            var fault = e.IsDeviceGone || e.Errno == Errno.ENXIO ? SensorFault.DeviceGone : SensorFault.Io;
            throw new SensorException(fault, e.Message, e);
        }

        var text = buffer[..n].TrimEnd("\n "u8);
        if (!Utf8Parser.TryParse(text, out double value, out var consumed) || consumed != text.Length)
        {
            throw new SensorException(SensorFault.BadData, $"{path}: not a number");
        }

        return value;
    }

    private static double ReadAttribute(string directory, string own, string shared, double fallback)
    {
        var path = Path.Combine(directory, own);
        if (File.Exists(path))
        {
            return ReadNumber(path);
        }

        path = Path.Combine(directory, shared);
        return File.Exists(path) ? ReadNumber(path) : fallback;
    }

    private static string? Resolve(string root, string device)
    {
        var direct = Path.Combine(root, device);
        if (System.IO.Directory.Exists(direct))
        {
            return direct;
        }

        if (!System.IO.Directory.Exists(root))
        {
            return null;
        }

        foreach (var dir in System.IO.Directory.EnumerateDirectories(root, "iio:device*").Order(StringComparer.Ordinal))
        {
            var nameFile = Path.Combine(dir, "name");
            if (File.Exists(nameFile) && File.ReadAllText(nameFile).Trim() == device)
            {
                return dir;
            }
        }

        return null;
    }
}
