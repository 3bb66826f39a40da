using EdgeLam.Orchestration.Capacity;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Measures this node's links to every other online node of the site over the broker, on a connection of its own:
/// one round per peer every <see cref="LinkProbeSettings.Interval"/> (a small and a large probe to
/// <c>nodes/{peer}/probe</c>), echoes the probes of others, and keeps the estimates in a <see cref="LinkProbeBook"/>.
/// Round trips are read on this node's clock only. Probes carry zeros, never model or sensor data.
/// </summary>
internal sealed partial class LinkProber(string site, string node, MqttClientOptions mqtt, LinkProbeSettings settings, TimeProvider time, ILogger<LinkProber> logger)
{
    /// <summary>How often the prober looks for due probes (the rate itself is one round per peer per interval).</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly LinkProbeBook _book = new(settings);
    private readonly HashSet<string> _online = new(StringComparer.Ordinal);
    private readonly TopicScheme _topics = new(site);
    private readonly string _probeTopic = new TopicScheme(site).NodeProbe(node);
    private readonly long _start = time.GetTimestamp();

    /// <summary>The current estimate of every peer's link.</summary>
    public IReadOnlyList<LinkEstimate> Estimates()
    {
        lock (_gate)
        {
            return _book.Estimates();
        }
    }

    /// <summary>Probes until <paramref name="stopping"/>; returns at once when probing is off. A failure stops probing only (logged).</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        if (!settings.Enabled)
        {
            return;
        }

        try
        {
            await ProbeAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Link probing is an extra: whatever stops it must not stop the node.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ProbeLog.Stopped(logger, e);
        }
    }

    private async Task ProbeAsync(CancellationToken stopping)
    {
        await using var client = MqttClient.Create(Options());
        client.Start();
        await client.SubscribeAsync(_probeTopic, MqttQualityOfService.AtMostOnce, stopping).ConfigureAwait(false);
        await client.SubscribeAsync(_topics.AllNodeStatus, MqttQualityOfService.AtLeastOnce, stopping).ConfigureAwait(false);
        var handler = client.RunMessageHandlerAsync((m, ct) => OnMessageAsync(client, m, ct), stopping);
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            do
            {
                if (client.IsConnected)
                {
                    await SendDueAsync(client, stopping).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }

        await handler.ConfigureAwait(false);
    }

    private TimeSpan Now => time.GetElapsedTime(_start);

    private MqttClientOptions Options()
    {
        var id = "edgelam-probe-" + node;
        return new MqttClientOptions
        {
            Host = mqtt.Host,
            Port = mqtt.Port,
            Username = mqtt.Username,
            Password = mqtt.Password,
            Tls = mqtt.Tls,
            KeepAlive = mqtt.KeepAlive,
            ReconnectDelayMin = mqtt.ReconnectDelayMin,
            ReconnectDelayMax = mqtt.ReconnectDelayMax,
            ClientId = id.Length <= 64 ? id : id[..64],
            CleanStart = true,
            SessionExpiry = TimeSpan.Zero,
        };
    }

    private async Task SendDueAsync(MqttClient client, CancellationToken stopping)
    {
        IReadOnlyList<ProbeRequest> due;
        lock (_gate)
        {
            due = _book.Due(Now);
        }

        foreach (var probe in due)
        {
            var request = new ProbeMessage
            {
                From = node,
                Kind = ProbeKind.Request,
                Sequence = probe.Sequence,
                SentUs = (long)Now.TotalMicroseconds,
                Padding = probe.PaddingBytes > 0 ? new string('0', probe.PaddingBytes) : null,
            };
            await client.PublishAsync(Message(_topics.NodeProbe(probe.Peer), request), stopping).ConfigureAwait(false);
        }
    }

    private async ValueTask OnMessageAsync(MqttClient client, MqttReceivedMessage message, CancellationToken stopping)
    {
        if (message.Topic == _probeTopic)
        {
            await OnProbeAsync(client, message.Payload, stopping).ConfigureAwait(false);
            return;
        }

        if (!TopicScheme.TryParse(message.Topic, out var topic) || topic.Site != site)
        {
            return;
        }

        if (topic.Kind == TopicKind.NodeStatus && topic.Node is { } other && other != node)
        {
            var online = false;
            try
            {
                online = message.Payload.Length > 0 && ControlMessageCodec.DecodeStatus(message.Payload.Span).State == NodeState.Online;
            }
            catch (ControlMessageException)
            {
            }

            lock (_gate)
            {
                var changed = online ? _online.Add(other) : _online.Remove(other);
                if (changed)
                {
                    _book.SetPeers(_online, Now);
                }
            }
        }
    }

    private async ValueTask OnProbeAsync(MqttClient client, ReadOnlyMemory<byte> payload, CancellationToken stopping)
    {
        ProbeMessage probe;
        try
        {
            probe = ControlMessageCodec.DecodeProbe(payload.Span);
        }
        catch (ControlMessageException e)
        {
            ProbeLog.Malformed(logger, e.Message);
            return;
        }

        if (!TopicScheme.IsValidName(probe.From) || probe.From == node)
        {
            return;
        }

        if (probe.Kind == ProbeKind.Echo)
        {
            lock (_gate)
            {
                _book.Answer(probe.From, probe.Sequence, Now);
            }

            return;
        }

        if ((probe.Padding?.Length ?? 0) <= ProbeMessage.MaxPaddingBytes)
        {
            var echo = new ProbeMessage { From = node, Kind = ProbeKind.Echo, Sequence = probe.Sequence, SentUs = probe.SentUs };
            await client.PublishAsync(Message(_topics.NodeProbe(probe.From), echo), stopping).ConfigureAwait(false);
        }
    }

    private static MqttApplicationMessage Message(string topic, ProbeMessage probe) =>
        new(topic, ControlMessageCodec.Encode(probe), MqttQualityOfService.AtMostOnce)
        {
            Properties = new MqttMessageProperties { ContentType = ControlMessageCodec.ContentType },
        };

    private static partial class ProbeLog
    {
        [LoggerMessage(2120, LogLevel.Debug, "Link probe ignored: {Reason}")]
        public static partial void Malformed(ILogger logger, string reason);

        [LoggerMessage(2121, LogLevel.Warning, "Link probing stopped; the capacity message keeps the links measured so far")]
        public static partial void Stopped(ILogger logger, Exception exception);
    }
}
