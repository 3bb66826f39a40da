using EdgeLam.Testing;
using EdgeLam.Transport.Handover;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests.Mqtt;

namespace EdgeLam.Transport.Tests.Layouts;

/// <summary>
/// Running conversations handed over to a new layout by KV over the (in-memory) broker mid-generation: their tokens
/// equal the unsplit model's and no stage runs a prefill for them; a handover that is lost or damaged falls back to
/// replay with the same tokens.
/// </summary>
[Collection(nameof(LiveLayoutCollection))]
public sealed class KvHandoverTests(LiveLayoutFixture fixture)
{
    private const int NewTokens = 20;

    // Epoch 1: gw [0,1) -> a [1,3) -> b [3,4); epoch 2: gw [0,2) -> b [2,3) -> a [3,4): blocks 1, 2 and 3 change node.
    private static readonly LayoutHop[] First = [new(1, "peer-a"), new(3, "peer-b")];
    private static readonly LayoutHop[] Second = [new(2, "peer-b"), new(3, "peer-a")];

    [Fact]
    public async Task Commit_MidGeneration_HandedOverWithoutPrefillAndTokensEqualUnsplit()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(2), configure: o => o.KvHandover = KvHandoverMode.Always);
        var (generations, prefills, expected) = await RunResplitAsync(site, cts.Token);

        Assert.Equal(expected, generations.Select(g => g.Tokens));
        Assert.Equal(2, site.Gateway.HandedOver);
        Assert.Equal(2, site.Gateway.Moved);
        Assert.Equal(0, site.Gateway.HandoversFailed);
        Assert.Equal(2, prefills["peer-a"]); // the two first steps on epoch 1; none after the move
        Assert.Equal(2, prefills["peer-b"]);
        Assert.Equal(2, site["peer-a"].Peer!.HandedOver); // block 3 of each conversation
        Assert.Equal(2, site["peer-b"].Peer!.HandedOver); // block 2
        Assert.All(generations, g => Assert.Equal(["gw", "peer-b", "peer-a"], g.Steps[^1].Stages.Select(t => t.Node)));
        Assert.Equal([2u], site.Gateway.Layouts!.LoadedEpochs);
        Assert.Equal(0, site["peer-a"].Peer!.HandoverRejected + site["peer-b"].Peer!.HandoverRejected + site.Gateway.HandoverRejected);
    }

    [Fact]
    public async Task Commit_MidGenerationOnMosquitto_HandedOverWithoutPrefillAndTokensEqualUnsplit()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var broker = new MosquittoBroker();
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(5), configure: o => o.KvHandover = KvHandoverMode.Always, mosquitto: broker);
        var (generations, prefills, expected) = await RunResplitAsync(site, cts.Token);

        Assert.Equal(expected, generations.Select(g => g.Tokens));
        Assert.Equal(2, site.Gateway.HandedOver);
        Assert.Equal(0, site.Gateway.HandoversFailed);
        Assert.Equal(0, site.Gateway.Resent);
        Assert.Equal(2, prefills["peer-a"]);
        Assert.Equal(2, prefills["peer-b"]);
        Assert.All(generations, g => Assert.Equal(["gw", "peer-b", "peer-a"], g.Steps[^1].Stages.Select(t => t.Node)));
    }

    [Fact]
    public async Task Handover_BlocksLost_TimesOutAndReplaysWithUnsplitTokens()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(2), configure: o =>
        {
            o.KvHandover = KvHandoverMode.Always;
            o.KvHandoverTimeout = TimeSpan.FromMilliseconds(500);
        });
        site.Broker.Intercept = m => m.Topic.EndsWith("/nodes/peer-b/kv", StringComparison.Ordinal) ? null : m;
        var (generations, prefills, expected) = await RunResplitAsync(site, cts.Token);

        Assert.Equal(expected, generations.Select(g => g.Tokens));
        Assert.Equal(0, site.Gateway.HandedOver);
        Assert.Equal(2, site.Gateway.HandoversFailed);
        Assert.Equal(2, site.Gateway.Moved);
        Assert.Equal(4, prefills["peer-b"]); // the first steps, then the replays
        Assert.Equal([2u], site.Gateway.Layouts!.LoadedEpochs);
    }

    [Fact]
    public async Task Handover_DamagedBlock_RefusedAtOnceAndReplaysWithUnsplitTokens()
    {
        // The timeout is longer than the test may run: only the refusal can end the handovers in time.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(2), configure: o =>
        {
            o.KvHandover = KvHandoverMode.Always;
            o.KvHandoverTimeout = TimeSpan.FromMinutes(10);
        });
        site.Broker.Intercept = m =>
        {
            if (!m.Topic.EndsWith("/nodes/peer-a/kv", StringComparison.Ordinal) || m.Payload.Length < 1000)
            {
                return m;
            }

            var damaged = m.Payload.ToArray();
            damaged[^5] ^= 0x40; // a KV byte: the payload's CRC-32C fails, the header holds
            return m with { Payload = damaged };
        };
        var (generations, _, expected) = await RunResplitAsync(site, cts.Token);

        Assert.Equal(expected, generations.Select(g => g.Tokens));
        Assert.Equal(2, site.Gateway.HandoversFailed);
        Assert.Equal(2, site["peer-a"].Peer!.HandoverRejected);
        Assert.Equal(0, site["peer-a"].Peer!.HandedOver);
        Assert.Equal(2, site.Gateway.Moved);
    }

    /// <summary>
    /// Epoch 1 committed, epoch 2 (predicted much faster) prepared; two requests run and the gateway commits epoch 2
    /// at peer-b's 6th step. Returns the generations, prefill steps per peer, and the unsplit tokens.
    /// </summary>
    private async Task<(GatewayGeneration[] Generations, Dictionary<string, int> Prefills, IReadOnlyList<long>[] Expected)> RunResplitAsync(LiveLayoutSite site, CancellationToken cancellationToken)
    {
        await site.StartAsync(cancellationToken, "peer-a", "peer-b");
        var one = LiveLayoutSite.Plan(1, First);
        var two = LiveLayoutSite.Plan(2, Second);
        one["gw"] = one["gw"] with { Predicted = new LayoutCost(100, 1, 5) };
        two["gw"] = two["gw"] with { Predicted = new LayoutCost(10, 1, 5) };
        await site.PrepareAsync(one, cancellationToken);
        await site.CommitAsync(one, cancellationToken);
        await site.PrepareAsync(two, cancellationToken);
        var prompts = new[] { fixture.Prompt(6, 11), fixture.Prompt(9, 12) };
        var expected = prompts.Select(p => fixture.Unsplit(p, NewTokens)).ToArray();
        var prefills = new Dictionary<string, int> { ["peer-a"] = 0, ["peer-b"] = 0 };
        foreach (var peer in prefills.Keys.ToArray())
        {
            site[peer].Peer!.StepServed += (_, prefill) =>
            {
                if (prefill)
                {
                    lock (prefills)
                    {
                        prefills[peer]++;
                    }
                }
            };
        }

        Task? peersCommit = null;
        var served = 0;
        site["peer-b"].Peer!.StepServed += (_, _) =>
        {
            if (Interlocked.Increment(ref served) == 6)
            {
                site.Gateway.Layouts!.CommitAsync(2, [], cancellationToken).GetAwaiter().GetResult();
                peersCommit = Task.Run(async () =>
                {
                    await site["peer-a"].Layouts!.CommitAsync(2, [], cancellationToken);
                    await site["peer-b"].Layouts!.CommitAsync(2, [], cancellationToken);
                });
            }
        };
        var generations = await Task.WhenAll(prompts.Select(p => site.Gateway.GenerateAsync(p, NewTokens, cancellationToken: cancellationToken)));
        await peersCommit!;
        return (generations, prefills, expected);
    }
}
