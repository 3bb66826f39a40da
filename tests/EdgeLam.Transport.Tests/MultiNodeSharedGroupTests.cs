using EdgeLam.Testing;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;
using Xunit.Abstractions;

namespace EdgeLam.Transport.Tests;

/// <summary>Two peers of one stage share new sessions through the MQTT 5 shared subscription; each session stays put.</summary>
[Collection(nameof(MultiNodeCollection))]
public sealed class MultiNodeSharedGroupTests(MultiNodeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly MosquittoBroker _broker = new();

    [Fact]
    public async Task SharedGroup_TenSessionsTwoPeers_BothPeersTakeSessionsAndEachSessionStaysOnItsPeer()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.TwoWay, WireCodec.Raw);
        var a = await cluster.AddPeerAsync("peer-a", 1, 1, cts.Token);
        var b = await cluster.AddPeerAsync("peer-b", 1, 1, cts.Token);
        var gateway = await cluster.StartGatewayAsync("gw", 0, cts.Token);
        var prompts = Enumerable.Range(0, 10).Select(i => fixture.Prompt(4 + (i % 5), 100 + i)).ToArray();

        // Two conversations at a time, so steps of different sessions interleave on the peers.
        var generations = new List<GatewayGeneration>();
        for (var i = 0; i < prompts.Length; i += 2)
        {
            generations.AddRange(await Task.WhenAll(
                gateway.GenerateAsync(prompts[i], 8, cancellationToken: cts.Token),
                gateway.GenerateAsync(prompts[i + 1], 8, cancellationToken: cts.Token)));
        }

        var holders = new List<string>();
        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(fixture.InProcess(fixture.TwoWay, WireCodec.Raw, prompts[i], 8), generations[i].Tokens);
            var peers = generations[i].Steps.Select(s => s.Stages[^1].Node).Distinct().ToList();
            Assert.Single(peers);
            holders.Add(peers[0]);
        }

        output.WriteLine($"conversations on peer-a: {holders.Count(h => h == "peer-a")}, on peer-b: {holders.Count(h => h == "peer-b")}; resent {gateway.Resent}, replayed {a.Role.Replayed + b.Role.Replayed}");
        Assert.Contains("peer-a", holders);
        Assert.Contains("peer-b", holders);
        Assert.Equal(0, a.Role.Rejected);
        Assert.Equal(0, b.Role.Rejected);
        Assert.Equal(0, gateway.Rehomed);
    }

    [Fact]
    public async Task SharedGroup_HoldingPeerVanishesMidConversation_GatewayRehomesAndTokensMatchInProcess()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.TwoWay, WireCodec.Raw, o =>
        {
            o.StepTimeout = TimeSpan.FromSeconds(1);
            o.MaxAttempts = 20;
        });

        // Whichever peer holds the conversation vanishes when step 3 (a decode step on its own topic) reaches it.
        static bool AtDecodeStep3(FrameHeader h) => h.Step == 3 && (h.Flags & FrameFlags.Prefill) == 0;
        await cluster.AddPeerAsync("peer-a", 1, 1, cts.Token, AtDecodeStep3);
        await cluster.AddPeerAsync("peer-b", 1, 1, cts.Token, AtDecodeStep3);
        var gateway = await cluster.StartGatewayAsync("gw", 0, cts.Token);
        var prompt = fixture.Prompt(7, 31);

        var generation = await gateway.GenerateAsync(prompt, 12, cancellationToken: cts.Token);

        var victim = Assert.Single(cluster.Peers, p => p.HasVanished);
        await victim.Vanished.WaitAsync(cts.Token);
        var survivor = Assert.Single(cluster.Peers, p => !p.HasVanished);
        output.WriteLine($"{victim.Node} vanished at step 3; rehomed {gateway.Rehomed}, resent {gateway.Resent}, {survivor.Node} served {survivor.Role.Served}");
        Assert.Equal(fixture.InProcess(fixture.TwoWay, WireCodec.Raw, prompt, 12), generation.Tokens);
        Assert.True(gateway.Rehomed >= 1, $"rehomed {gateway.Rehomed}");
        Assert.All(generation.Steps.Take(3), s => Assert.Equal(victim.Node, s.Stages[^1].Node));
        Assert.All(generation.Steps.Skip(3), s => Assert.Equal(survivor.Node, s.Stages[^1].Node));
    }

    public void Dispose() => _broker.Dispose();
}
