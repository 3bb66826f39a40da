using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Composition;

/// <summary>
/// Wraps a device whose opening can fail (chip absent, node missing): opens lazily, and after a failure that means the
/// device is gone, left the bus or is not what was expected (DeviceGone, NoAcknowledge, BadData) closes it so the next
/// attempt — paced by the scheduler's backoff — opens it again. Reopening configures the chip again: one that was
/// unplugged and comes back power-cycled sits in its power-on state (a BME280 in sleep mode returns a placeholder
/// that compensates to a plausible but false reading). Channels are fixed up front so streams exist before the device does.
/// </summary>
public sealed class ReconnectingSource : ISensorSource
{
    private readonly Func<ISensorSource> _open;
    private ISensorSource? _inner;

    public ReconnectingSource(string name, IReadOnlyList<SensorChannel> channels, Func<ISensorSource> open)
    {
        Name = name;
        Channels = channels;
        _open = open;
    }

    public string Name { get; }

    public IReadOnlyList<SensorChannel> Channels { get; }

    public int Opens { get; private set; }

    public bool IsOpen => _inner is not null;

    /// <summary>Opens the device now; returns the failure instead of throwing.</summary>
    public SensorException? TryOpen()
    {
        try
        {
            EnsureOpen();
            return null;
        }
        catch (SensorException e)
        {
            return e;
        }
    }

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        var inner = EnsureOpen();
        try
        {
            inner.Read(timestampNs, samples);
        }
        catch (SensorException e) when (e.Fault is SensorFault.DeviceGone or SensorFault.NoAcknowledge or SensorFault.BadData)
        {
            Close();
            throw;
        }
    }

    public void Dispose() => Close();

    private ISensorSource EnsureOpen()
    {
        if (_inner is { } inner)
        {
            return inner;
        }

        try
        {
            inner = _open();
        }
        catch (SensorException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SensorException(SensorFault.DeviceGone, $"{Name}: {e.Message}", e);
        }

        if (inner.Channels.Count != Channels.Count)
        {
            inner.Dispose();
            throw new SensorException(SensorFault.BadData, $"{Name}: device reports {inner.Channels.Count} channels, configured {Channels.Count}");
        }

        Opens++;
        _inner = inner;
        return inner;
    }

    private void Close()
    {
        _inner?.Dispose();
        _inner = null;
    }
}
