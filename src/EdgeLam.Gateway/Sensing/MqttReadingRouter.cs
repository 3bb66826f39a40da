using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Mqtt;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Gateway.Sensing;

/// <summary>
/// Hands readings that other devices publish to the sensor runtime's <see cref="IMqttReadingSink"/> of that
/// <c>mqtt</c> device (<c>SensorRuntime.MqttSinks</c>): a JSON reading on <c>edgelam/v1/{site}/readings/{device}</c>
/// (stamped with its arrival time when it has no <c>ts</c>), a bare number on
/// <c>edgelam/v1/{site}/readings/{device}/{channel}</c> (always stamped with its arrival time). A topic of
/// no known device, or a payload the sink rejects, is counted (<see cref="Rejected"/>) and logged (the first at once,
/// then at most one line per <see cref="LogInterval"/> with the count in between); nothing throws.
/// </summary>
public sealed class MqttReadingRouter
{
    /// <summary>The shortest time between two log lines about rejected readings.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyDictionary<string, IMqttReadingSink> _sinks;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _routed;
    private long _rejected;
    private long _lastLogNs = long.MinValue;
    private long _unlogged;

    public MqttReadingRouter(TopicScheme topics, IReadOnlyDictionary<string, IMqttReadingSink> sinks, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(sinks);
        _sinks = sinks;
        _prefix = topics.Prefix + "readings/";
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The subscription filter: every topic under <c>readings/</c> (deeper or unknown ones are counted as rejected).</summary>
    public string Filter => _prefix + "#";

    /// <summary>The topic device <paramref name="device"/> publishes JSON readings on.</summary>
    public string Topic(string device) => _prefix + device;

    /// <summary>The topic device <paramref name="device"/> publishes bare numbers of <paramref name="channel"/> on.</summary>
    public string Topic(string device, string channel) => _prefix + device + "/" + channel;

    /// <summary>Readings handed to a sink and accepted.</summary>
    public long Routed => Interlocked.Read(ref _routed);

    /// <summary>Messages for no known device, or rejected by the device's sink.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Routes one message received at <paramref name="receivedNs"/> (Unix-epoch ns); false when it was rejected.</summary>
    public bool Route(string topic, ReadOnlySpan<byte> payload, long receivedNs)
    {
        var rest = topic is not null && topic.StartsWith(_prefix, StringComparison.Ordinal) ? topic.AsSpan(_prefix.Length) : [];
        var slash = rest.IndexOf('/');
        var device = slash < 0 ? rest : rest[..slash];
        var channel = slash < 0 ? [] : rest[(slash + 1)..];
        if (device.IsEmpty || channel.Contains('/') || (slash >= 0 && channel.IsEmpty)
            || !_sinks.TryGetValue(device.ToString(), out var sink))
        {
            return Reject(topic ?? string.Empty, "no mqtt device reads this topic", receivedNs);
        }

        string? error;
        var accepted = slash < 0
            ? sink.TryAccept(payload, receivedNs, out error)
            : MqttReadingParser.TryParseNumber(payload, channel.ToString(), receivedNs, out var reading, out error) && sink.TryAccept(reading, out error);
        if (!accepted)
        {
            return Reject(topic!, error ?? "rejected", receivedNs);
        }

        Interlocked.Increment(ref _routed);
        return true;
    }

    /// <summary>Subscribes <paramref name="client"/> (a client of its own) and routes its messages until cancelled.</summary>
    public async Task RunAsync(MqttClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.SubscribeAsync(Filter, MqttQualityOfService.AtMostOnce, cancellationToken).ConfigureAwait(false);
        await client.RunMessageHandlerAsync((m, _) =>
        {
            Route(m.Topic, m.Payload.Span, (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100);
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
    }

    private bool Reject(string topic, string reason, long nowNs)
    {
        Interlocked.Increment(ref _rejected);
        if (_lastLogNs != long.MinValue && nowNs - _lastLogNs < LogInterval.Ticks * 100)
        {
            _unlogged++;
            return false;
        }

        SensingLog.ReadingRejected(_logger, topic, reason, _unlogged, Rejected);
        _lastLogNs = nowNs;
        _unlogged = 0;
        return false;
    }
}
