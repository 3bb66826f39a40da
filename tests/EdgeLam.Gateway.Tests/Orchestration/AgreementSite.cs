using EdgeLam.Gateway.Orchestration;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Gateway.Tests.Orchestration;

/// <summary>
/// Agreement services of several nodes over one in-memory broker, each with a <see cref="FakeLayoutHost"/>. The test
/// publishes the nodes' statuses and capacities (as their status publishers would); 8 uniform blocks, gateway "gw"
/// (10 ms per unit, the only eligible node), every link 2 ms at 64 kB/s.
/// </summary>
internal sealed class AgreementSite : IAsyncDisposable
{
    public const string Site = "s";
    public const string Model = "m";

    private readonly MqttClient _publisher;
    private readonly List<AgreementService> _services = [];

    public AgreementSite(params string[] nodes)
    {
        Nodes = nodes;
        _publisher = TestClients.InMemory(Broker, "site");
    }

    public InMemoryMqttBroker Broker { get; } = new();

    public TopicScheme Topics { get; } = new(Site);

    public IReadOnlyList<string> Nodes { get; }

    public Dictionary<string, FakeLayoutHost> Layouts { get; } = [];

    public static CostTable Costs { get; } = new(
        Enumerable.Repeat(new BlockCost(100, 0, 1), 8).ToList(),
        new EndCost(0, 0),
        new EndCost(0, 0),
        Enumerable.Repeat<CutCost?>(new CutCost(64, 32, 32, 18), 9).ToList(),
        ResultBytes: 0);

    public async Task StartAsync(OrchestrationOptions options)
    {
        await _publisher.ConnectAsync().WaitAsync(TestClients.Timeout);
        foreach (var node in Nodes)
        {
            var layouts = new FakeLayoutHost();
            Layouts[node] = layouts;
            var setup = new AgreementSetup(Site, node, Model, Costs, new NodeLimits(node, Model, 1_000_000, node == "gw", options.PrivacyFloor), (ulong)node.GetHashCode());
            var link = new AgreementLink(setup, TestClients.InMemory(Broker, "agree-" + node), NullLogger<AgreementLink>.Instance);
            var service = new AgreementService(setup, options, link, _ => Task.FromResult<EdgeLam.Transport.Layouts.ILayoutHost?>(layouts), new EdgeLamMetrics(), TimeProvider.System, NullLogger<AgreementService>.Instance);
            _services.Add(service);
            await service.StartAsync(CancellationToken.None);
        }
    }

    public async Task StatusAsync(string node, NodeState state = NodeState.Online) =>
        await PublishAsync(Topics.NodeStatus(node), ControlMessageCodec.Encode(new NodeStatusMessage
        {
            Node = node,
            State = state,
            Roles = [node == "gw" ? "gateway" : "peer"],
            Eligible = node == "gw",
        }));

    public async Task CapacityAsync(string node, double decodeMsPerUnit) =>
        await PublishAsync(Topics.NodeCapacity(node), ControlMessageCodec.Encode(new NodeCapacityMessage
        {
            Node = node,
            Roles = [node == "gw" ? "gateway" : "peer"],
            MemoryBytes = 1_000_000,
            Models = [new HostedSegments { ModelId = Model, FirstLayer = 0, EndLayer = 0, MaxSessions = 1, DecodeMsPerUnit = decodeMsPerUnit, PrefillMsPerPositionPerUnit = decodeMsPerUnit }],
            Links = [.. Nodes.Where(n => n != node).Select(n => new LinkCapacity { To = n, RoundTripMs = 2, BytesPerSecond = 64_000, Answered = 1 })],
        }));

    public async Task PublishAsync(string topic, byte[] payload, bool retain = true) =>
        await _publisher.PublishAsync(new MqttApplicationMessage(topic, payload, Retain: retain));

    /// <summary>The plans published on the plan topic so far, in order.</summary>
    public List<AgreedPlan> Plans() =>
        [.. Broker.Published.Where(m => m.Topic == Topics.Plan && m.Payload.Length > 0).Select(m => ControlMessageCodec.DecodePlan(m.Payload))];

    /// <summary>Waits (bounded) until a committed plan satisfies <paramref name="condition"/> and every node of it committed it.</summary>
    public AgreedPlan? WaitForCommitted(Func<AgreedPlan, bool> condition, TimeSpan timeout)
    {
        AgreedPlan? found = null;
        SpinWait.SpinUntil(
            () =>
            {
                found = Plans().LastOrDefault(p => p.Phase == PlanPhase.Commit && condition(p));
                return found is not null && found.NodeIds().All(n => Layouts[n].ActiveEpoch == found.Epoch.Number);
            },
            timeout);
        return found is not null && found.NodeIds().All(n => Layouts[n].ActiveEpoch == found.Epoch.Number) ? found : null;
    }

    public static int Blocks(AgreedPlan plan, string node) => plan.StagesOf(node).Sum(s => s.EndBlock - s.FirstBlock);

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }

        await _publisher.DisposeAsync();
    }
}
