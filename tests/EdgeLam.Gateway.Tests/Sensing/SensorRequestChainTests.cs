using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLam.Gateway.Sensing;
using EdgeLam.Inference;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Sensors.Composition;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests.Sensing;

/// <summary>The sim board's windows through the pump into a gateway + peer chain on a real mosquitto.</summary>
[Collection(nameof(SensingCollection))]
public sealed class SensorRequestChainTests(SensingFixture fixture) : IDisposable
{
    private const int NewTokens = 4;
    private readonly MosquittoBroker _broker = new();

    private NodeRoleOptions Role(string site, string node, int first, int last, string? model = null) => new()
    {
        Site = site,
        Node = node,
        ModelDirectory = model ?? fixture.Split,
        FirstSegment = first,
        LastSegment = last,
        ContextLimit = SensingFixture.ContextLimit,
        StepTimeout = TimeSpan.FromSeconds(10),
        MaxAttempts = 3,
    };

    [Fact]
    public async Task Pump_SimBoardOverTwoNodeChain_SameTokensAsInProcessAndResultsCarryWindow()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var site = "s" + Guid.NewGuid().ToString("N")[..8];
        await using var peer = await RoleHost.StartAsync(Role(site, "peer-1", 2, 2), TestClients.Options("peer-1", _broker.Port), fixture.Runtime, cancellationToken: cts.Token);
        await using var gateway = await RoleHost.StartAsync(Role(site, "gw", 0, 1), TestClients.Options("gw", _broker.Port), fixture.Runtime, cancellationToken: cts.Token);
        await using var listener = MqttClient.Create(TestClients.Options("listener", _broker.Port));
        await listener.ConnectAsync(cts.Token);
        await listener.SubscribeAsync(new TopicScheme(site).Results("gw"), MqttQualityOfService.AtLeastOnce, cts.Token);
        using var sensors = SensorRuntime.Create(SensingFixture.SimOptions());
        sensors.RunVirtual(3_000_000_000);
        var pump = new SensorRequestPump(new SensorRequestOptions { MaxNewTokens = NewTokens, MaxInFlight = 1, EncoderCacheDirectory = fixture.EncoderCache }, fixture.Runtime);
        var done = new ConcurrentQueue<(SensorRequest Request, GatewayGeneration Generation)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        pump.Completed = (request, generation) =>
        {
            done.Enqueue((request, generation));
            stop.Cancel();
        };

        await pump.RunAsync(gateway.Gateway!, sensors, stop.Token);

        var (request, generation) = Assert.Single(done);
        Assert.Equal(0, pump.Failed);
        Assert.Equal(1, pump.Started);
        // A 3-stream group is complete each time the slowest stream (env, every 0.8 s) has a new window.
        // Every window read is superseded, dropped, in the started group, or still held by the grouper (< 3).
        Assert.InRange(pump.Windows - pump.Superseded - pump.Dropped - (3 * pump.Started), 0, 2);
        Assert.True(request.Request.HasEmbeddings);
        Assert.Equal(EmbeddingReference.Generate(fixture.Runtime, fixture.Split, SensingFixture.ContextLimit, request.Request, NewTokens), generation.Tokens);
        var results = new List<InferenceResult>();
        foreach (var (_, payload) in await TestClients.ReadAsync(listener, NewTokens))
        {
            results.Add(JsonSerializer.Deserialize(payload, RoleJsonContext.Default.InferenceResult)!);
        }

        var window = request.Request.Window!;
        Assert.All(results, r =>
        {
            Assert.Equal(generation.Request, r.Request);
            Assert.Equal(["env", "motion", "vibration"], r.Window!.Streams.Select(s => s.Name));
            Assert.Equal(["chronos", "patch", "chronos"], r.Window.Streams.Select(s => s.Tokenizer));
            Assert.Equal(window.StartUtc, r.Window.StartUtc);
            Assert.Equal(window.EndUtc, r.Window.EndUtc);
            Assert.Equal(request.Tokens.Min(t => t.Window.StartNs), r.Window.StartNs);
            Assert.Equal(request.Tokens.Max(t => t.Window.EndNs), r.Window.EndNs);
        });
        Assert.Equal(generation.Tokens, results.Single(r => r.Final).Tokens);
        Assert.Equal(0, peer.Peer!.Rejected);
    }

    [Fact]
    public async Task Pump_ChronosStreamsWithoutOrtRuntime_TokenRequestsSameTokensAsPipelineGenerate()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var site = "s" + Guid.NewGuid().ToString("N")[..8];
        await using var peer = await RoleHost.StartAsync(Role(site, "peer-1", 1, 1, fixture.TokensOnlySplit), TestClients.Options("peer-1", _broker.Port), fixture.Runtime, cancellationToken: cts.Token);
        await using var gateway = await RoleHost.StartAsync(Role(site, "gw", 0, 0, fixture.TokensOnlySplit), TestClients.Options("gw", _broker.Port), fixture.Runtime, cancellationToken: cts.Token);
        using var sensors = SensorRuntime.Create(SensingFixture.SimOptions());
        sensors.RunVirtual(3_000_000_000);
        var options = new SensorRequestOptions { MaxNewTokens = NewTokens, Streams = ["env", "vibration"], PromptIds = [11] };
        var pump = new SensorRequestPump(options);
        var done = new ConcurrentQueue<(SensorRequest Request, GatewayGeneration Generation)>();
        var sent = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        pump.Completed = (request, generation) =>
        {
            done.Enqueue((request, generation));
            stop.Cancel();
        };

        await pump.RunAsync(
            gateway.Gateway!,
            sensors,
            (request, ct) =>
            {
                Interlocked.Increment(ref sent);
                return gateway.Gateway!.GenerateAsync(request, options.MaxNewTokens, cancellationToken: ct);
            },
            stop.Token);

        var (request, generation) = Assert.Single(done);
        Assert.Equal(1, sent);
        Assert.False(request.Request.HasEmbeddings);
        Assert.Equal(["env", "vibration"], request.Request.Window!.Streams.Select(s => s.Name));
        Assert.True(pump.Ignored > 0, "motion windows are not selected");
        var ids = request.Request.Parts.SelectMany(p => p.Ids!).ToArray();
        using var pipeline = InferencePipeline.Open(fixture.Runtime, fixture.TokensOnlySplit, new PipelineOptions { ContextLimit = SensingFixture.ContextLimit });
        Assert.Equal(pipeline.Generate(Guid.NewGuid(), ids, new GenerationOptions { MaxNewTokens = NewTokens }).Tokens, generation.Tokens);
    }

    [Fact]
    public async Task Pump_PatchStreamButModelWithoutEmbeddingEntry_InferenceExceptionAtStart()
    {
        var role = Role("s" + Guid.NewGuid().ToString("N")[..8], "gw", 0, 0, fixture.TokensOnlySplit);
        await using var client = MqttClient.Create(TestClients.Options("gw", _broker.Port));
        using var gateway = new GatewayRole(role, fixture.Runtime, client);
        using var sensors = SensorRuntime.Create(SensingFixture.SimOptions());
        var pump = new SensorRequestPump(new SensorRequestOptions(), fixture.Runtime);

        var error = await Assert.ThrowsAsync<InferenceException>(() => pump.RunAsync(gateway, sensors, CancellationToken.None));

        Assert.Contains("motion", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, pump.Windows);
    }

    public void Dispose() => _broker.Dispose();
}
