using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;
using Xunit.Abstractions;

namespace EdgeLam.Transport.Tests;

/// <summary>
/// Gateway and peer roles of one site, each with its own <see cref="MqttClient"/> on a real mosquitto, serving in the
/// background until disposed. Every node is an object in this process; on the wire they are separate MQTT clients.
/// </summary>
internal sealed class MultiNodeCluster : IAsyncDisposable
{
    private readonly MultiNodeFixture _fixture;
    private readonly MosquittoBroker _broker;
    private readonly List<PeerHost> _peers = [];
    private readonly CancellationTokenSource _stop = new();
    private MqttClient? _gatewayClient;
    private Task? _gatewayRun;

    public MultiNodeCluster(MultiNodeFixture fixture, MosquittoBroker broker, string modelDirectory, WireCodec codec, Action<NodeRoleOptions>? configure = null, Action<MqttClientOptions>? mqtt = null, ITestOutputHelper? output = null)
    {
        Output = output;
        _fixture = fixture;
        _broker = broker;
        ModelDirectory = modelDirectory;
        Codec = codec;
        Configure = configure;
        Mqtt = mqtt;
        Site = "t" + Guid.NewGuid().ToString("N")[..8];
    }

    public string Site { get; }

    public ITestOutputHelper? Output { get; }

    public string ModelDirectory { get; }

    public WireCodec Codec { get; }

    public Action<NodeRoleOptions>? Configure { get; }

    public Action<MqttClientOptions>? Mqtt { get; }

    public GatewayRole? Gateway { get; private set; }

    public MqttClient? GatewayClient => _gatewayClient;

    public IReadOnlyList<PeerHost> Peers => _peers;

    public NodeRoleOptions Options(string node, int first, int last)
    {
        var options = new NodeRoleOptions
        {
            Site = Site,
            Node = node,
            ModelDirectory = ModelDirectory,
            FirstSegment = first,
            LastSegment = last,
            Codec = Codec,
            ContextLimit = MultiNodeFixture.ContextLimit,
            StepTimeout = TimeSpan.FromSeconds(10),
            MaxAttempts = 6,
        };
        Configure?.Invoke(options);
        return options;
    }

    public MqttClient Client(string id) => MqttClient.Create(TestClients.Options(id, _broker.Port, Mqtt), Output is null ? null : new TestOutputLogger<MqttClient>(Output, id));

    private TestOutputLogger? Logger(string node) => Output is null ? null : new TestOutputLogger(Output, node);

    /// <summary>Starts a peer hosting segments <paramref name="first"/>-<paramref name="last"/>.</summary>
    public async Task<PeerHost> AddPeerAsync(string node, int first, int last, CancellationToken cancellationToken, Func<FrameHeader, bool>? vanishAt = null)
    {
        var client = Client(node);
        var stage = new PeerRole(Options(node, first, last), _fixture.Runtime, client, Logger(node));
        await client.ConnectAsync(cancellationToken);
        await stage.StartAsync(cancellationToken);
        var host = new PeerHost(node, client, stage, _stop.Token, vanishAt);
        _peers.Add(host);
        return host;
    }

    /// <summary>Starts the gateway hosting segments 0-<paramref name="last"/>.</summary>
    public async Task<GatewayRole> StartGatewayAsync(string node, int last, CancellationToken cancellationToken)
    {
        _gatewayClient = Client(node);
        Gateway = new GatewayRole(Options(node, 0, last), _fixture.Runtime, _gatewayClient, Logger(node));
        await _gatewayClient.ConnectAsync(cancellationToken);
        await Gateway.StartAsync(cancellationToken);
        _gatewayRun = Task.Run(() => Gateway.RunAsync(_stop.Token), CancellationToken.None);
        return Gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var peer in _peers)
        {
            await peer.DisposeAsync();
        }

        if (_gatewayRun is not null)
        {
            await _gatewayRun;
        }

        if (_gatewayClient is not null)
        {
            await _gatewayClient.DisposeAsync();
        }

        Gateway?.Dispose();
        _stop.Dispose();
    }
}

/// <summary>A peer role serving in the background; <see cref="DisposeAsync"/> makes it vanish from the site.</summary>
internal sealed class PeerHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;
    private int _disposed;
    private Task? _vanishing;

    /// <summary>Serves until disposed; vanishes (drops the message and disposes itself) when <paramref name="vanishAt"/> holds for a frame.</summary>
    public PeerHost(string node, MqttClient client, PeerRole role, CancellationToken siteStop, Func<FrameHeader, bool>? vanishAt = null)
    {
        Node = node;
        Client = client;
        Role = role;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(siteStop);
        _run = vanishAt is null
            ? Task.Run(() => role.RunAsync(_stop.Token), CancellationToken.None)
            : Task.Run(() => client.RunMessageHandlerAsync((m, ct) => HandleOrVanish(m, vanishAt, ct), _stop.Token), CancellationToken.None);
    }

    /// <summary>Completes once a vanished peer is gone.</summary>
    public Task Vanished => _vanishing ?? Task.CompletedTask;

    public bool HasVanished => _vanishing is not null;

    public string Node { get; }

    public MqttClient Client { get; }

    public PeerRole Role { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private ValueTask HandleOrVanish(MqttReceivedMessage message, Func<FrameHeader, bool> vanishAt, CancellationToken cancellationToken)
    {
        if (_vanishing is null && FrameReader.TryRead(message.Payload.Span, out var view) == FrameError.None && vanishAt(view.Header))
        {
            // Taken off the network with the frame unanswered; disposal waits for this handler to return.
            _vanishing = Task.Run(async () => await DisposeAsync(), CancellationToken.None);
            return ValueTask.CompletedTask;
        }

        return Role.HandleAsync(message, cancellationToken);
    }

    /// <summary>Stops taking messages, disconnects and closes the role's conversations.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        await _run;
        await Client.DisposeAsync();
        Role.Dispose();
        _stop.Dispose();
    }
}
