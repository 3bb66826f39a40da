using System.Threading.Channels;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Mqtt;

/// <summary>
/// Readings from other devices: parses messages handed over by the MQTT client into a bounded channel (drop-oldest,
/// so a flood cannot grow memory) and delivers them to an <see cref="IReadingSink"/> from <see cref="DrainTo"/> or
/// <see cref="RunAsync"/>. Only the declared channels are accepted.
/// </summary>
public sealed class MqttReadingSource : IMqttReadingSink
{
    private readonly Channel<SensorReading> _queue;
    private readonly HashSet<string> _channels;

    public MqttReadingSource(string name, IEnumerable<string> channels, int capacity = 4096)
    {
        Name = name;
        _channels = new HashSet<string>(channels, StringComparer.Ordinal);
        _queue = Channel.CreateBounded<SensorReading>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
    }

    public string Name { get; }

    public long Accepted { get; private set; }

    public long Rejected { get; private set; }

    public string? LastError { get; private set; }

    public bool OnMessage(string topic, ReadOnlySpan<byte> payload)
    {
        if (!MqttReadingParser.TryParse(payload, out var reading, out var error))
        {
            Rejected++;
            LastError = $"{topic}: {error}";
            return false;
        }

        if (!_channels.Contains(reading.Channel))
        {
            Rejected++;
            LastError = $"{topic}: unknown channel '{reading.Channel}'";
            return false;
        }

        Accepted++;
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
