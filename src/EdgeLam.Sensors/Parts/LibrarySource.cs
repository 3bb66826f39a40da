using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Parts;

/// <summary>Reads one value per channel from a library driver; NaN marks a channel the driver could not read.</summary>
public delegate void PartReader(Span<double> values);

/// <summary>
/// A .NET IoT driver as a polled source: <see cref="PartReader"/> calls the driver, every device failure becomes a
/// typed <see cref="SensorException"/> (the scheduler marks the source degraded and retries; nothing escapes).
/// Disposes the driver and then the bus device it was given.
/// </summary>
public sealed class LibrarySource : ISensorSource
{
    private readonly SensorChannel[] _channels;
    private readonly double[] _values;
    private readonly PartReader _read;
    private readonly IDisposable _driver;
    private readonly IDisposable? _device;

    public LibrarySource(string name, IReadOnlyList<SensorChannel> channels, IDisposable driver, PartReader read, IDisposable? device = null)
    {
        Name = name;
        _channels = [.. channels];
        _values = new double[_channels.Length];
        _driver = driver;
        _read = read;
        _device = device;
    }

    public string Name { get; }

    public IReadOnlyList<SensorChannel> Channels => _channels;

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        try
        {
            _read(_values);
        }
        catch (Exception e) when (LibraryFaults.IsDeviceFault(e))
        {
            throw LibraryFaults.Translate(Name, e);
        }

        for (var i = 0; i < _values.Length; i++)
        {
            var v = _values[i];
            samples[i] = double.IsFinite(v) ? new SensorSample(timestampNs, v, SampleQuality.Good) : SensorSample.Missing(timestampNs);
        }
    }

    /// <summary>Releases the driver and the device; a device failing while it is released is not an error.</summary>
    public void Dispose()
    {
        try
        {
            _driver.Dispose();
        }
        catch (Exception e) when (LibraryFaults.IsDeviceFault(e))
        {
            // Drivers that talk to the chip on dispose (ADS1115 powers down) cannot do so when the chip is failing.
        }

        _device?.Dispose();
    }
}
