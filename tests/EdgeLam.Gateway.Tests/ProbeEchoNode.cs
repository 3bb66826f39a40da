using System.Collections.Concurrent;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests;

/// <summary>
/// Another node of the site as a prober sees it: a retained online status, and echoes of the probes sent to it
/// (what a real node does). It can also probe a node itself and await the echo.
/// </summary>
internal sealed class ProbeEchoNode : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly TopicScheme _topics;
    private readonly string _node;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ProbeMessage>> _waiting = new();
    private Task _run = Task.CompletedTask;
    private volatile bool _onlyZeros = true;

    private ProbeEchoNode(MqttClient client, TopicScheme topics, string node)
    {
        _client = client;
        _topics = topics;
        _node = node;
    }

    /// <summary>Padding lengths of the probe requests received.</summary>
    public ConcurrentBag<int> PaddingSeen { get; } = [];

    /// <summary>Every padding received was zeros only.</summary>
    public bool OnlyZeros => _onlyZeros;

    public static async Task<ProbeEchoNode> StartAsync(int port, TopicScheme topics, string node)
    {
        var client = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = port, ClientId = "echo-" + node + "-" + Guid.NewGuid().ToString("N")[..6], CleanStart = true });
        var echo = new ProbeEchoNode(client, topics, node);
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await client.SubscribeAsync(topics.NodeProbe(node), MqttQualityOfService.AtMostOnce);
        echo._run = Task.Run(() => client.RunMessageHandlerAsync(echo.OnMessageAsync, echo._stop.Token));
        var status = ControlMessageCodec.Encode(new NodeStatusMessage { Node = node, State = NodeState.Online, Roles = ["peer"] });
        await client.PublishAsync(new MqttApplicationMessage(topics.NodeStatus(node), status, Retain: true));
        return echo;
    }

    /// <summary>Sends a probe request to <paramref name="node"/> and completes with its echo.</summary>
    public async Task<ProbeMessage> ProbeAsync(string node, long sequence, long sentUs)
    {
        var answer = _waiting.GetOrAdd(sequence, _ => new TaskCompletionSource<ProbeMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        var request = new ProbeMessage { From = _node, Kind = ProbeKind.Request, Sequence = sequence, SentUs = sentUs };
        await _client.PublishAsync(new MqttApplicationMessage(_topics.NodeProbe(node), ControlMessageCodec.Encode(request), MqttQualityOfService.AtMostOnce));
        return await answer.Task;
    }

    private async ValueTask OnMessageAsync(MqttReceivedMessage message, CancellationToken cancellationToken)
    {
        var probe = ControlMessageCodec.DecodeProbe(message.Payload.Span);
        if (probe.Kind == ProbeKind.Echo)
        {
            if (_waiting.TryGetValue(probe.Sequence, out var waiting))
            {
                waiting.TrySetResult(probe);
            }

            return;
        }

        PaddingSeen.Add(probe.Padding?.Length ?? 0);
        if (probe.Padding is { } padding && padding.AsSpan().ContainsAnyExcept('0'))
        {
            _onlyZeros = false;
        }

        var echo = new ProbeMessage { From = _node, Kind = ProbeKind.Echo, Sequence = probe.Sequence, SentUs = probe.SentUs };
        await _client.PublishAsync(new MqttApplicationMessage(_topics.NodeProbe(probe.From), ControlMessageCodec.Encode(echo), MqttQualityOfService.AtMostOnce), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
