using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;
using Xunit.Abstractions;

namespace EdgeLam.Transport.Tests;

/// <summary>Requests that start from embeddings: the first stage's entry, the chain over mosquitto, window metadata, re-homing.</summary>
[Collection(nameof(MultiNodeCollection))]
public sealed class GatewayEmbeddingsTests(MultiNodeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly MosquittoBroker _broker = new();

    private static RequestWindow Window(params string[] streams) => new()
    {
        StartUtc = new DateTimeOffset(2026, 11, 22, 14, 0, 0, TimeSpan.Zero),
        EndUtc = new DateTimeOffset(2026, 11, 22, 14, 0, 3, TimeSpan.Zero),
        StartNs = 5_000_000_000,
        EndNs = 8_000_000_000,
        Streams = [.. streams.Select((s, i) => new RequestStream { Name = s, Tokenizer = i == 0 ? "patch" : "chronos", Positions = 5, Sequence = i, StartNs = 5_000_000_000, EndNs = 8_000_000_000 })],
    };

    [Fact]
    public void SegmentChain_EmbedTokens_RowsEqualPipelineEmbeddingSegmentOutput()
    {
        using var chain = SegmentChain.Open(fixture.Runtime, fixture.EmbeddingSplit, 0, 1, new ChainOptions { ContextLimit = MultiNodeFixture.ContextLimit });
        using var pipeline = InferencePipeline.Open(fixture.Runtime, fixture.EmbeddingSplit, new PipelineOptions { ContextLimit = MultiNodeFixture.ContextLimit });
        var ids = fixture.Prompt(5, 41);
        var rows = new float[ids.Length * fixture.HiddenSize];

        chain.EmbedTokens(ids, 3, rows);
        pipeline.Prefill(Guid.NewGuid(), ids);
        var name = pipeline.Segments[1].BoundaryInputs[0].Name;
        var output = pipeline.Segments[0].Signature.Outputs.Select((o, i) => (o, i)).Single(p => p.o.Name == name).i;

        Assert.Equal(fixture.HiddenSize, chain.Embedding!.HiddenSize);
        Assert.Equal(MemoryMarshal.Cast<byte, float>(pipeline.Segments[0].Outputs[output].GetBytes()).ToArray(), rows);
        Assert.Equal(0, chain.Conversations);
    }

    [Fact]
    public void SegmentChain_RowsOfWrongHiddenSize_EmbeddingShapeException()
    {
        using var chain = SegmentChain.Open(fixture.Runtime, fixture.EmbeddingSplit, 0, 1, new ChainOptions { ContextLimit = MultiNodeFixture.ContextLimit });
        var conversation = Guid.NewGuid();

        var error = Assert.Throws<EmbeddingShapeException>(() => chain.RunEmbeddings(conversation, new float[3 * (fixture.HiddenSize - 1)], 3));

        Assert.Equal(fixture.HiddenSize, error.ExpectedHidden);
        Assert.Equal(fixture.HiddenSize - 1, error.ActualHidden);
        Assert.Equal(0, chain.Length(conversation));
    }

    [Fact]
    public void SegmentChain_EmbeddingsPastContextLimit_ContextOverflowAndStageStaysUsable()
    {
        using var chain = SegmentChain.Open(fixture.Runtime, fixture.EmbeddingSplit, 0, 1, new ChainOptions { ContextLimit = 16 });
        var conversation = Guid.NewGuid();
        chain.RunEmbeddings(conversation, fixture.Embeddings(10, 1), 10);

        var error = Assert.Throws<ContextOverflowException>(() => chain.RunEmbeddings(conversation, fixture.Embeddings(7, 2), 7));

        Assert.Equal(10, error.Length);
        Assert.Equal(7, error.Adding);
        chain.RunTokens(conversation, [5]);
        Assert.Equal(11, chain.Length(conversation));
    }

    [Fact]
    public void SegmentChain_SegmentZeroEmbedsAndRunsBlock_NoEmbeddingEntry()
    {
        // The 2-way split's segment 0 is the embedding and block 0 (it holds a KV cache), so it cannot be skipped.
        using var chain = SegmentChain.Open(fixture.Runtime, fixture.TwoWay, 0, 0, new ChainOptions { ContextLimit = MultiNodeFixture.ContextLimit });

        Assert.Null(chain.Embedding);
        Assert.Throws<InferenceException>(() => chain.RunEmbeddings(Guid.NewGuid(), fixture.Embeddings(2, 3), 2));
    }

    [Fact]
    public async Task TwoNodeChain_PromptAndEmbeddings_SameTokensAsInProcessAndResultsCarryWindow()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.EmbeddingSplit, WireCodec.Raw, o => o.MaxAttempts = 2, output: output);
        await cluster.AddPeerAsync("peer-1", 2, 2, cts.Token);
        var gateway = await cluster.StartGatewayAsync("gw", 1, cts.Token);
        await using var listener = cluster.Client("listener");
        await listener.ConnectAsync(cts.Token);
        await listener.SubscribeAsync(new TopicScheme(cluster.Site).Results("gw"), MqttQualityOfService.AtLeastOnce, cts.Token);
        var window = Window("motion", "env");
        var request = new GatewayRequest { Window = window }
            .AddTokens(fixture.Prompt(4, 51))
            .AddEmbeddings(fixture.Embeddings(6, 52), 6)
            .AddTokens(fixture.Prompt(3, 53));
        const int NewTokens = 6;

        var generation = await gateway.GenerateAsync(request, NewTokens, cancellationToken: cts.Token);

        Assert.Equal(fixture.InProcessEmbeddings(request, NewTokens), generation.Tokens);
        var results = new List<InferenceResult>();
        foreach (var (_, payload) in await TestClients.ReadAsync(listener, NewTokens))
        {
            results.Add(JsonSerializer.Deserialize(payload, RoleJsonContext.Default.InferenceResult)!);
        }

        Assert.Equal(Enumerable.Range(0, NewTokens).Select(i => (uint)i), results.Select(r => r.Step).Order());
        Assert.All(results, r =>
        {
            Assert.Equal(window.StartUtc, r.Window!.StartUtc);
            Assert.Equal(window.EndUtc, r.Window.EndUtc);
            Assert.Equal(window.StartNs, r.Window.StartNs);
            Assert.Equal(window.EndNs, r.Window.EndNs);
            Assert.Equal(["motion", "env"], r.Window.Streams.Select(s => s.Name));
            Assert.Equal(["patch", "chronos"], r.Window.Streams.Select(s => s.Tokenizer));
        });
        Assert.Equal(generation.Tokens, results.Single(r => r.Final).Tokens);
    }

    [Fact]
    public async Task TwoNodeChain_HolderVanishesInEmbeddingSession_RehomedWithEmbeddingsAndTokensSameAsInProcess()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.EmbeddingSplit, WireCodec.Raw, o =>
        {
            o.StepTimeout = TimeSpan.FromSeconds(1);
            o.MaxAttempts = 20;
        });
        static bool AtDecodeStep3(FrameHeader h) => h.Step == 3 && (h.Flags & FrameFlags.Prefill) == 0;
        await cluster.AddPeerAsync("peer-a", 2, 2, cts.Token, AtDecodeStep3);
        await cluster.AddPeerAsync("peer-b", 2, 2, cts.Token, AtDecodeStep3);
        var gateway = await cluster.StartGatewayAsync("gw", 1, cts.Token);
        var request = GatewayRequest.FromEmbeddings(fixture.Embeddings(9, 61), 9, fixture.Prompt(2, 62), Window("motion"));

        var generation = await gateway.GenerateAsync(request, 8, cancellationToken: cts.Token);

        var victim = Assert.Single(cluster.Peers, p => p.HasVanished);
        await victim.Vanished.WaitAsync(cts.Token);
        var survivor = Assert.Single(cluster.Peers, p => !p.HasVanished);
        Assert.True(gateway.Rehomed >= 1, $"rehomed {gateway.Rehomed}");
        Assert.Equal(fixture.InProcessEmbeddings(request, 8), generation.Tokens);
        Assert.All(generation.Steps.Skip(3), s => Assert.Equal(survivor.Node, s.Stages[^1].Node));
        Assert.Equal(0, survivor.Role.Rejected);
    }

    [Fact]
    public async Task PeerRole_GarbageWindowProperty_EachRejectedAndCountedPeerKeepsServing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.EmbeddingSplit, WireCodec.Raw, o => o.MaxAttempts = 2);
        var peer = await cluster.AddPeerAsync("peer-1", 2, 2, cts.Token);
        var gateway = await cluster.StartGatewayAsync("gw", 1, cts.Token);
        var topic = new TopicScheme(cluster.Site).Activation(gateway.ModelId, 1);
        await using var spy = cluster.Client("spy");
        await spy.ConnectAsync(cts.Token);
        await spy.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce, cts.Token);
        await gateway.GenerateAsync(GatewayRequest.FromEmbeddings(fixture.Embeddings(4, 71), 4, window: Window("motion")), 1, cancellationToken: cts.Token);
        byte[] genuine;
        MqttMessageProperties properties;
        using (var captured = await spy.Messages.ReadAsync(cts.Token))
        {
            genuine = captured.Payload.ToArray();
            properties = captured.Properties;
        }

        var good = Window("motion").Encode();
        var garbage = new[]
        {
            "not json",
            "{\"startUtc\":",
            "null",
            good.Replace("\"motion\"", "\"mo/tion\"", StringComparison.Ordinal),
            good.Replace("\"endNs\":8000000000", "\"endNs\":1", StringComparison.Ordinal),
            (Window("motion") with { Streams = [] }).Encode(),
            (Window("motion") with { Streams = [.. Enumerable.Range(0, RequestWindow.MaxStreams + 1).Select(i => new RequestStream { Name = "s" + i, Tokenizer = "chronos" })] }).Encode(),
            good + new string(' ', RequestWindow.MaxEncodedBytes),
            "{\"startUtc\":\"yesterday\",\"streams\":[{\"name\":\"a\",\"tokenizer\":\"chronos\"}]}",
        };
        Assert.Equal(0, peer.Role.Rejected);
        await using (var attacker = cluster.Client("attacker"))
        {
            await attacker.ConnectAsync(cts.Token);
            foreach (var value in garbage)
            {
                var props = properties.UserProperties!.Select(p => p.Name == "edgelam-window" ? new MqttUserProperty(p.Name, value) : p).ToList();
                await attacker.PublishAsync(new MqttApplicationMessage(topic, genuine) { Properties = properties with { UserProperties = props } }, cts.Token);
            }

            await attacker.FlushAsync(cts.Token);
        }

        TestClients.WaitUntil(() => peer.Role.Rejected >= garbage.Length);
        Assert.Equal(garbage.Length, peer.Role.Rejected);
        var request = GatewayRequest.FromEmbeddings(fixture.Embeddings(5, 72), 5, window: Window("motion"));
        var generation = await gateway.GenerateAsync(request, 3, cancellationToken: cts.Token);
        Assert.Equal(fixture.InProcessEmbeddings(request, 3), generation.Tokens);
        Assert.Equal(garbage.Length, peer.Role.Rejected);
    }

    [Fact]
    public void RequestWindow_EncodeDecode_RoundTripsAndRejectsReversedRange()
    {
        var window = Window("motion", "env");

        Assert.True(RequestWindow.TryDecode(window.Encode(), out var decoded, out var problem), problem);
        Assert.Equal(window.Streams, decoded!.Streams);
        Assert.Equal(window.StartUtc, decoded.StartUtc);
        Assert.False(RequestWindow.TryDecode((window with { EndUtc = window.StartUtc.AddSeconds(-1) }).Encode(), out _, out problem));
        Assert.NotNull(problem);
    }

    public void Dispose() => _broker.Dispose();
}
