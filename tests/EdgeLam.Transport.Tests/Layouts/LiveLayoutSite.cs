using EdgeLam.Testing;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Wire.Codecs;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Tests.Layouts;

/// <summary>
/// Orchestrated nodes of one site (<see cref="RoleHost"/>s) on an in-memory broker, or on a real mosquitto when one is
/// given; plans are given by the test.
/// </summary>
internal sealed class LiveLayoutSite(LiveLayoutFixture fixture, TimeSpan stepTimeout, int maxAttempts = 6, Action<NodeRoleOptions>? configure = null, MosquittoBroker? mosquitto = null) : IAsyncDisposable
{
    private readonly Dictionary<string, RoleHost> _nodes = new(StringComparer.Ordinal);

    public InMemoryMqttBroker Broker { get; } = new();

    public RoleHost this[string node] => _nodes[node];

    public GatewayRole Gateway => _nodes["gw"].Gateway!;

    public async Task<RoleHost> StartAsync(string node, LayoutRole role, CancellationToken cancellationToken)
    {
        var options = new NodeRoleOptions
        {
            Site = "s",
            Node = node,
            ModelDirectory = fixture.PerBlock,
            Orchestrated = role,
            ContextLimit = LiveLayoutFixture.ContextLimit,
            StepTimeout = stepTimeout,
            MaxAttempts = maxAttempts,
        };
        configure?.Invoke(options);
        var host = mosquitto is null
            ? await RoleHost.StartAsync(options, TestClients.InMemory(Broker, node), fixture.Runtime, NullLoggerFactory.Instance, cancellationToken)
            : await RoleHost.StartAsync(options, TestClients.Options(node, mosquitto.Port), fixture.Runtime, NullLoggerFactory.Instance, cancellationToken);
        _nodes[node] = host;
        return host;
    }

    /// <summary>Starts "gw" and the peers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken, params string[] peers)
    {
        await StartAsync("gw", LayoutRole.Gateway, cancellationToken);
        foreach (var peer in peers)
        {
            await StartAsync(peer, LayoutRole.Peer, cancellationToken);
        }
    }

    /// <summary>
    /// The layouts of one epoch from its cuts: the gateway hosts [0, cuts[0].Boundary), each hop the blocks up to the
    /// next hop's boundary (the last one to the head).
    /// </summary>
    public static Dictionary<string, NodeLayout> Plan(uint epoch, params LayoutHop[] chain)
    {
        var layouts = new Dictionary<string, NodeLayout>(StringComparer.Ordinal)
        {
            ["gw"] = new NodeLayout(epoch, 0, chain[0].Boundary, WireCodec.Raw, chain),
        };
        for (var i = 0; i < chain.Length; i++)
        {
            var end = i + 1 < chain.Length ? chain[i + 1].Boundary : LiveLayoutFixture.Blocks;
            layouts[chain[i].Node] = new NodeLayout(epoch, chain[i].Boundary, end, WireCodec.Raw, chain);
        }

        return layouts;
    }

    public async Task PrepareAsync(Dictionary<string, NodeLayout> plan, CancellationToken cancellationToken)
    {
        foreach (var (node, layout) in plan)
        {
            await _nodes[node].Layouts!.PrepareAsync(layout, cancellationToken);
        }
    }

    /// <summary>Commits on the peers of <paramref name="plan"/>, then on the gateway.</summary>
    public async Task CommitAsync(Dictionary<string, NodeLayout> plan, CancellationToken cancellationToken, params string[] lost)
    {
        var epoch = plan["gw"].Epoch;
        foreach (var node in plan.Keys.Where(n => n != "gw"))
        {
            await _nodes[node].Layouts!.CommitAsync(epoch, lost, cancellationToken);
        }

        await _nodes["gw"].Layouts!.CommitAsync(epoch, lost, cancellationToken);
    }

    /// <summary>Takes a node off the site (it stops serving and disconnects).</summary>
    public async ValueTask RemoveAsync(string node)
    {
        var host = _nodes[node];
        _nodes.Remove(node);
        await host.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _nodes.Values)
        {
            await host.DisposeAsync();
        }
    }
}
