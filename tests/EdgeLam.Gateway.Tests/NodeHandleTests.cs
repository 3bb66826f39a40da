using EdgeLam.Gateway.Hosting;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Gateway.Tests;

/// <summary>The seam request sources use: requests through <see cref="NodeHandle"/> and its drain on SIGTERM.</summary>
public sealed class NodeHandleTests(MultiNodeFixture model) : IClassFixture<MultiNodeFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _site = "h" + Guid.NewGuid().ToString("N")[..8];

    private NodeRoleOptions Role(string node, int first, int last) => new()
    {
        Site = _site,
        Node = node,
        ModelDirectory = model.TwoWay,
        FirstSegment = first,
        LastSegment = last,
        ContextLimit = MultiNodeFixture.ContextLimit,
        StepTimeout = TimeSpan.FromSeconds(10),
        MaxAttempts = 3,
    };

    private static MqttClientOptions Mqtt(MosquittoBroker broker, string node) =>
        new() { Host = broker.Host, Port = broker.Port, ClientId = node + "-" + Guid.NewGuid().ToString("N")[..6] };

    [Fact]
    public async Task GenerateAsync_BeforeStart_RefusesWithNodeUnavailable()
    {
        var handle = new NodeHandle();

        await Assert.ThrowsAsync<NodeUnavailableException>(() => handle.GenerateAsync([5, 6, 7], 2));
        Assert.False(handle.IsAcceptingWork);
    }

    [Fact]
    public async Task DrainAsync_RequestInFlight_LetsItFinishAndRefusesNewOnes()
    {
        using var broker = new MosquittoBroker();
        await using var peer = await RoleHost.StartAsync(Role("peer-1", 1, 1), Mqtt(broker, "peer-1"), model.Runtime);
        await using var gateway = await RoleHost.StartAsync(Role("gw-1", 0, 0), Mqtt(broker, "gw-1"), model.Runtime);
        var handle = new NodeHandle();
        handle.SetStarted(gateway);
        var prompt = model.Prompt(5, seed: 3);
        var expected = model.InProcess(model.TwoWay, WireCodec.Raw, prompt, 8);

        var inFlight = handle.GenerateAsync(GatewayRequest.FromTokens(prompt), 8); // the sensor pump's seam
        var drain = handle.DrainAsync(CancellationToken.None);
        var refused = await Assert.ThrowsAsync<NodeUnavailableException>(() => handle.GenerateAsync(prompt, 8));
        await drain.WaitAsync(Patience);

        Assert.True(inFlight.IsCompletedSuccessfully, "the drain returned before the request in flight finished");
        Assert.Equal(expected, (await inFlight).Tokens);
        Assert.Contains("stopping", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, handle.Requests);
        Assert.False(handle.IsAcceptingWork);
    }

    [Fact]
    public async Task DrainAsync_DeadlinePassesWithNoPeer_CancelsTheRequestInFlight()
    {
        using var broker = new MosquittoBroker();
        await using var gateway = await RoleHost.StartAsync(Role("gw-2", 0, 0), Mqtt(broker, "gw-2"), model.Runtime);
        var handle = new NodeHandle();
        handle.SetStarted(gateway);
        using var deadline = new CancellationTokenSource();

        var inFlight = handle.GenerateAsync(model.Prompt(5, seed: 4), 4); // no peer serves segment 1: it waits for a reply
        var drain = handle.DrainAsync(deadline.Token);
        await deadline.CancelAsync();
        await drain.WaitAsync(Patience);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inFlight);
        Assert.Equal(0, handle.Requests);
        Assert.Equal(1, handle.Failed);
    }
}
