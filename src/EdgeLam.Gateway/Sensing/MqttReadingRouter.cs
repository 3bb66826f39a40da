using EdgeLam.Sensors.Mqtt;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Gateway.Sensing;

/// <summary>
/// Hands readings that other devices publish on <c>edgelam/v1/{site}/readings/{device}</c> to the sensor runtime's
/// <see cref="IMqttReadingSink"/> of that <c>mqtt</c> device (<c>SensorRuntime.MqttSinks</c>). A topic of no known
/// device, or a payload the sink rejects, is counted; nothing throws.
/// </summary>
public sealed class MqttReadingRouter
{
    private readonly IReadOnlyDictionary<string, IMqttReadingSink> _sinks;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private long _routed;
    private long _rejected;

    public MqttReadingRouter(TopicScheme topics, IReadOnlyDictionary<string, IMqttReadingSink> sinks, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(sinks);
        _sinks = sinks;
        _prefix = topics.Prefix + "readings/";
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The subscription filter: one level per device.</summary>
    public string Filter => _prefix + "+";

    /// <summary>The topic device <paramref name="device"/> publishes on.</summary>
    public string Topic(string device) => _prefix + device;

    /// <summary>Readings handed to a sink and accepted.</summary>
    public long Routed => Interlocked.Read(ref _routed);

    /// <summary>Messages for no known device, or rejected by the device's sink.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Routes one message; false when it was rejected.</summary>
    public bool Route(string topic, ReadOnlySpan<byte> payload)
    {
        if (topic is null || !topic.StartsWith(_prefix, StringComparison.Ordinal) || !_sinks.TryGetValue(topic[_prefix.Length..], out var sink))
        {
            Interlocked.Increment(ref _rejected);
            SensingLog.ReadingRejected(_logger, topic ?? string.Empty, "no mqtt device reads this topic");
            return false;
        }

        if (!sink.OnMessage(topic, payload))
        {
            Interlocked.Increment(ref _rejected);
            SensingLog.ReadingRejected(_logger, topic, "the device rejected the payload");
            return false;
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
            Route(m.Topic, m.Payload.Span);
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
    }
}
