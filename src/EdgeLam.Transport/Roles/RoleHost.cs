using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// One node on the broker: its MQTT client (with the node's status as last will), its retained online status, and the
/// gateway or peer role it runs, served on a background task. The CLI and the daemon both host nodes through this.
/// </summary>
public sealed class RoleHost : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly TopicScheme _topics;
    private readonly NodeRoleOptions _role;
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    private RoleHost(NodeRoleOptions role, MqttClient client)
    {
        _role = role;
        _client = client;
        _topics = new TopicScheme(role.Site);
    }

    /// <summary>The gateway role, when this node runs segment 0.</summary>
    public GatewayRole? Gateway { get; private set; }

    /// <summary>The peer role, when this node runs later segments.</summary>
    public PeerRole? Peer { get; private set; }

    /// <summary>
    /// The live re-split of an orchestrated node (<see cref="NodeRoleOptions.Orchestrated"/>): the agreement prepares,
    /// commits and abandons the node's layouts through it. Null for a static node.
    /// </summary>
    public ILayoutHost? Layouts => Gateway?.Layouts ?? Peer?.Layouts;

    /// <summary>The node's MQTT client.</summary>
    public MqttClient Client => _client;

    /// <summary>The role's message loop; it ends when serving stops (or faults).</summary>
    public Task Serving => _serving;

    /// <summary>
    /// Replaces the payload of the retained status (<see cref="PublishStatusAsync"/>, including the offline status on
    /// dispose) with a richer document — it must still decode as a <see cref="NodeStatusMessage"/>. Null: the plain message.
    /// </summary>
    public Func<NodeState, byte[]>? StatusPayload { get; set; }

    /// <summary>
    /// Opens the node's stage, connects, announces the node and starts serving. <paramref name="created"/> is called
    /// with the node once its stage is open and before the connection is waited for (e.g. a gateway's sensor requests
    /// start while the broker is unreachable); the node serves only once this returns.
    /// </summary>
    public static async Task<RoleHost> StartAsync(NodeRoleOptions role, MqttClientOptions mqtt, OnnxRuntime runtime, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default, Action<RoleHost>? created = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(mqtt);
        ArgumentNullException.ThrowIfNull(runtime);
        loggers ??= NullLoggerFactory.Instance;
        var topics = new TopicScheme(role.Site);
        if (string.IsNullOrEmpty(mqtt.ClientId))
        {
            mqtt.ClientId = "edgelam-" + role.Node;
        }

        mqtt.LastWill ??= new MqttLastWill
        {
            Topic = topics.NodeStatus(role.Node),
            Payload = ControlMessageCodec.Encode(new NodeStatusMessage { Node = role.Node, State = NodeState.Offline }),
            Retain = true,
            ContentType = "application/json",
        };
        return await StartAsync(role, MqttClient.Create(mqtt, loggers.CreateLogger<MqttClient>()), runtime, loggers, cancellationToken, created).ConfigureAwait(false);
    }

    /// <summary>Connects <paramref name="client"/> (owned from now on), announces the node and starts serving its stage.</summary>
    internal static async Task<RoleHost> StartAsync(NodeRoleOptions role, MqttClient client, OnnxRuntime runtime, ILoggerFactory loggers, CancellationToken cancellationToken, Action<RoleHost>? created = null)
    {
        var node = new RoleHost(role, client);
        try
        {
            // The stage opens before the connection is waited for: its model loads while the broker is away.
            if (role.Orchestrated == LayoutRole.Gateway || (role.Orchestrated is null && role.FirstSegment == 0))
            {
                node.Gateway = new GatewayRole(role, runtime, client, loggers.CreateLogger<GatewayRole>());
            }
            else
            {
                node.Peer = new PeerRole(role, runtime, client, loggers.CreateLogger<PeerRole>());
            }

            created?.Invoke(node);
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (node.Gateway is { } gateway)
            {
                await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
                node._serving = gateway.RunAsync(node._stop.Token);
            }
            else
            {
                await node.Peer!.StartAsync(cancellationToken).ConfigureAwait(false);
                node._serving = node.Peer.RunAsync(node._stop.Token);
            }

            await node.PublishStatusAsync(NodeState.Online, cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Publishes the node's retained status.</summary>
    public ValueTask PublishStatusAsync(NodeState state, CancellationToken cancellationToken = default) =>
        _client.PublishAsync(
            new MqttApplicationMessage(
                _topics.NodeStatus(_role.Node),
                StatusPayload?.Invoke(state) ?? ControlMessageCodec.Encode(new NodeStatusMessage
                {
                    Node = _role.Node,
                    State = state,
                    Roles = [Gateway is not null ? "gateway" : "peer"],
                    PlanEpoch = Layouts?.ActiveEpoch ?? _role.PlanEpoch,
                    Timestamp = DateTimeOffset.UtcNow,
                }),
                Retain: true)
            {
                Properties = new MqttMessageProperties { ContentType = "application/json" },
            },
            cancellationToken);

    /// <summary>
    /// Stops taking messages: the step being handled finishes (its answer is queued), later messages stay unread.
    /// The client stays connected, so queued answers and a final status can still be published.
    /// </summary>
    public async Task StopServingAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Announces the node offline, stops serving and disconnects.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await PublishStatusAsync(NodeState.Offline).ConfigureAwait(false);
                using var flush = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _client.FlushAsync(flush.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _client.DisposeAsync().ConfigureAwait(false);
        Gateway?.Dispose();
        Peer?.Dispose();
        _stop.Dispose();
    }
}
