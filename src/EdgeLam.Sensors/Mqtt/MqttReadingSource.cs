using System.Threading.Channels;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Mqtt;

/// <summary>
/// Readings from other devices: accepts parsed readings of the declared channels into a bounded channel (drop-oldest,
/// so a flood cannot grow memory) and delivers them to an <see cref="IReadingSink"/> from <see cref="DrainTo"/> or
/// <see cref="RunAsync"/>. A reading of an undeclared channel, or whose unit differs from the channel's configured
/// unit (both non-empty; compared exactly), is rejected with the reason.
/// </summary>
public sealed class MqttReadingSource : IMqttReadingSink
{
    private readonly Channel<SensorReading> _queue;
    private readonly Dictionary<string, string> _units;
    private long _accepted;
    private long _rejected;

    /// <summary>A source of the named channels, without units (any unit is accepted).</summary>
    public MqttReadingSource(string name, IEnumerable<string> channels, int capacity = 4096)
        : this(name, channels.Select(c => new SensorChannel(c, string.Empty)), capacity)
    {
    }

    public MqttReadingSource(string name, IEnumerable<SensorChannel> channels, int capacity = 4096)
    {
        Name = name;
        _units = channels.ToDictionary(c => c.Name, c => c.Unit, StringComparer.Ordinal);
        _queue = Channel.CreateBounded<SensorReading>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
    }

    public string Name { get; }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    public bool TryAccept(ReadOnlySpan<byte> json, long receivedNs, out string? error)
    {
        if (!MqttReadingParser.TryParse(json, receivedNs, out var reading, out error))
        {
            Interlocked.Increment(ref _rejected);
            return false;
        }

        return TryAccept(reading, out error);
    }

    public bool TryAccept(in SensorReading reading, out string? error)
    {
        if (!_units.TryGetValue(reading.Channel, out var unit))
        {
            error = $"device {Name} has no channel '{reading.Channel}' ({string.Join(", ", _units.Keys)})";
            Interlocked.Increment(ref _rejected);
            return false;
        }

        if (reading.Unit.Length > 0 && unit.Length > 0 && !string.Equals(reading.Unit, unit, StringComparison.Ordinal))
        {
            error = $"unit '{reading.Unit}' is not the unit of {Name}:{reading.Channel} ('{unit}')";
            Interlocked.Increment(ref _rejected);
            return false;
        }

        error = null;
        Interlocked.Increment(ref _accepted);
        return _queue.Writer.TryWrite(reading);
    }

    /// <summary>Delivers every queued reading now; returns how many.</summary>
    public int DrainTo(IReadingSink sink)
    {
        var n = 0;
        while (_queue.Reader.TryRead(out var reading))
        {
            sink.OnReading(reading);
            n++;
        }

        return n;
    }

    public async Task RunAsync(IReadingSink sink, CancellationToken cancellationToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                DrainTo(sink);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Complete() => _queue.Writer.TryComplete();
}
