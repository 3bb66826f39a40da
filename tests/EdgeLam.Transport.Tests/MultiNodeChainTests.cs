using EdgeLam.Testing;
using EdgeLam.Wire.Codecs;
using Xunit.Abstractions;

namespace EdgeLam.Transport.Tests;

/// <summary>Gateway → peer(s) over a real mosquitto give the same greedy generation as the in-process pipeline.</summary>
[Collection(nameof(MultiNodeCollection))]
public sealed class MultiNodeChainTests(MultiNodeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const int NewTokens = 16;
    private readonly MosquittoBroker _broker = new();

    [Theory]
    [InlineData(WireCodec.Raw)]
    [InlineData(WireCodec.Int8Block32)]
    public async Task TwoNodeChain_GreedyPrompts_SameTokensAsInProcessPipeline(WireCodec codec)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.TwoWay, codec, o => o.MaxAttempts = 2, output: output);
        await cluster.AddPeerAsync("peer-1", 1, 1, cts.Token);
        var gateway = await cluster.StartGatewayAsync("gw", 0, cts.Token);

        foreach (var seed in new[] { 1, 2, 3 })
        {
            var prompt = fixture.Prompt(4 + (3 * seed), seed);
            var expected = fixture.InProcess(fixture.TwoWay, codec, prompt, NewTokens);

            var generation = await gateway.GenerateAsync(prompt, NewTokens, cancellationToken: cts.Token);

            Assert.Equal(expected, generation.Tokens);
            Assert.All(generation.Steps, s => Assert.Equal(["gw", "peer-1"], s.Stages.Select(t => t.Node)));
        }
    }

    [Theory]
    [InlineData(WireCodec.Raw)]
    [InlineData(WireCodec.Int8Block32)]
    public async Task ThreeNodeChain_GreedyPrompts_SameTokensAsInProcessPipeline(WireCodec codec)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = new MultiNodeCluster(fixture, _broker, fixture.ThreeWay, codec, output: output);
        await cluster.AddPeerAsync("middle", 1, 1, cts.Token);
        await cluster.AddPeerAsync("last", 2, 2, cts.Token);
        var gateway = await cluster.StartGatewayAsync("gw", 0, cts.Token);

        foreach (var seed in new[] { 4, 5, 6 })
        {
            var prompt = fixture.Prompt(3 + seed, seed);
            var expected = fixture.InProcess(fixture.ThreeWay, codec, prompt, NewTokens);

            var generation = await gateway.GenerateAsync(prompt, NewTokens, cancellationToken: cts.Token);

            Assert.Equal(expected, generation.Tokens);
            Assert.All(generation.Steps, s => Assert.Equal(["gw", "middle", "last"], s.Stages.Select(t => t.Node)));
        }

        Assert.All(cluster.Peers, p => Assert.Equal(0, p.Role.Rejected));

        // Every request ended at its token limit: the middle peer, which never sees a token, let go of each KV cache too.
        Assert.All(cluster.Peers, p => Assert.Equal(0, p.Role.Chain.Conversations));
    }

    public void Dispose() => _broker.Dispose();
}
