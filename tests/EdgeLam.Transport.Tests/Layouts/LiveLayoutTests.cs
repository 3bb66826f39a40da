using System.Buffers.Binary;
using EdgeLam.Inference;
using EdgeLam.Testing;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Wire.Checksums;

namespace EdgeLam.Transport.Tests.Layouts;

/// <summary>
/// Orchestrated gateway and peers on an in-memory broker, re-split live by the test (the agreement's part): running
/// conversations finish or move, none is lost, every token equals the unsplit model's, old layouts are released.
/// </summary>
[Collection(nameof(LiveLayoutCollection))]
public sealed class LiveLayoutTests(LiveLayoutFixture fixture)
{
    private const int NewTokens = 20;

    // Epoch 1: gw [0,1) -> a [1,3) -> b [3,4); epoch 2: gw [0,2) -> b [2,3) -> a [3,4).
    private static readonly LayoutHop[] First = [new(1, "peer-a"), new(3, "peer-b")];
    private static readonly LayoutHop[] Second = [new(2, "peer-b"), new(3, "peer-a")];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Commit_MidGeneration_TokensEqualUnsplitAndOldLayoutReleased(bool predictedFaster)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(2));
        await site.StartAsync(cts.Token, "peer-a", "peer-b");
        var one = LiveLayoutSite.Plan(1, First);
        var two = LiveLayoutSite.Plan(2, Second);
        if (predictedFaster)
        {
            one["gw"] = one["gw"] with { Predicted = new LayoutCost(100, 1, 5) };
            two["gw"] = two["gw"] with { Predicted = new LayoutCost(10, 1, 5) };
        }

        await site.PrepareAsync(one, cts.Token);
        await site.CommitAsync(one, cts.Token);
        await site.PrepareAsync(two, cts.Token);
        var prompts = new[] { fixture.Prompt(6, 1), fixture.Prompt(9, 2) };
        var expected = prompts.Select(p => fixture.Unsplit(p, NewTokens)).ToArray();

        // The gateway commits epoch 2 while peer-b answers its 6th step (of either request); the peers follow.
        Task? peersCommit = null;
        var served = 0;
        site["peer-b"].Peer!.StepServed += (_, _) =>
        {
            if (Interlocked.Increment(ref served) == 6)
            {
                site.Gateway.Layouts!.CommitAsync(2, [], cts.Token).GetAwaiter().GetResult();
                peersCommit = Task.Run(async () =>
                {
                    await site["peer-a"].Layouts!.CommitAsync(2, [], cts.Token);
                    await site["peer-b"].Layouts!.CommitAsync(2, [], cts.Token);
                });
            }
        };
        var running = prompts.Select(p => site.Gateway.GenerateAsync(p, NewTokens, cancellationToken: cts.Token)).ToArray();
        var generations = await Task.WhenAll(running);
        await peersCommit!;
        var after = await site.Gateway.GenerateAsync(prompts[0], NewTokens, cancellationToken: cts.Token);

        Assert.Equal(expected, generations.Select(g => g.Tokens));
        Assert.Equal(expected[0], after.Tokens);
        string[] epochOne = ["gw", "peer-a", "peer-b"];
        string[] epochTwo = ["gw", "peer-b", "peer-a"];
        Assert.All(after.Steps, s => Assert.Equal(epochTwo, s.Stages.Select(t => t.Node)));
        foreach (var generation in generations)
        {
            Assert.Equal(epochOne, generation.Steps[0].Stages.Select(t => t.Node));
            Assert.Equal(predictedFaster ? epochTwo : epochOne, generation.Steps[^1].Stages.Select(t => t.Node));
        }

        Assert.Equal(predictedFaster ? 2 : 0, site.Gateway.Moved);
        Assert.Equal([2u], site.Gateway.Layouts!.LoadedEpochs);
        TestClients.WaitUntil(() => site["peer-a"].Layouts!.LoadedEpochs.Count == 1 && site["peer-b"].Layouts!.LoadedEpochs.Count == 1);
        Assert.Equal([2u], site["peer-a"].Layouts!.LoadedEpochs);
        Assert.Equal([2u], site["peer-b"].Layouts!.LoadedEpochs);
        Assert.Equal(2u, site["peer-a"].Layouts!.ActiveEpoch);
    }

    [Fact]
    public async Task PeerVanishes_PlanWithoutIt_EveryConversationCompletesWithUnsplitTokens()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(5));
        await site.StartAsync(cts.Token, "peer-a", "peer-b");
        var one = LiveLayoutSite.Plan(1, First);
        var two = LiveLayoutSite.Plan(2, new LayoutHop(2, "peer-a"));
        await site.PrepareAsync(one, cts.Token);
        await site.CommitAsync(one, cts.Token);
        var prompts = new[] { fixture.Prompt(5, 3), fixture.Prompt(8, 4) };
        var expected = prompts.Select(p => fixture.Unsplit(p, NewTokens)).ToArray();

        // At peer-a's 5th step, peer-b leaves the site unannounced (before that step reaches it); the agreement then
        // plans it out.
        Task? replan = null;
        var served = 0;
        site["peer-a"].Peer!.StepServed += (_, _) =>
        {
            if (Interlocked.Increment(ref served) == 5)
            {
                site.RemoveAsync("peer-b").AsTask().GetAwaiter().GetResult();
                replan = Task.Run(async () =>
                {
                    await site.PrepareAsync(two, cts.Token);
                    await site.CommitAsync(two, cts.Token, "peer-b");
                });
            }
        };
        var generations = await Task.WhenAll(prompts.Select(p => site.Gateway.GenerateAsync(p, NewTokens, cancellationToken: cts.Token)));
        await replan!;

        Assert.Equal(expected, generations.Select(g => g.Tokens));
        Assert.All(generations, g => Assert.Equal(["gw", "peer-a"], g.Steps[^1].Stages.Select(t => t.Node)));
        Assert.Equal(0, site.Gateway.Resent); // moved when planned out, not after timeouts
        Assert.Equal([2u], site.Gateway.Layouts!.LoadedEpochs);
    }

    [Fact]
    public async Task FrameOfUnloadedEpoch_Rejected_PeerKeepsServing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(2));
        await site.StartAsync(cts.Token, "peer-a", "peer-b");
        var one = LiveLayoutSite.Plan(1, First);
        await site.PrepareAsync(one, cts.Token);
        await site.CommitAsync(one, cts.Token);
        var prompt = fixture.Prompt(6, 5);
        await site.Gateway.GenerateAsync(prompt, 2, cancellationToken: cts.Token);
        var genuine = site.Broker.Published.First(m => m.Topic.EndsWith("/1/peer-a", StringComparison.Ordinal));
        var foreign = genuine.Payload.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(foreign.AsSpan(44), 7); // plan epoch, checksum made valid again
        BinaryPrimitives.WriteUInt32LittleEndian(foreign.AsSpan(foreign.Length - 4), Crc32C.Compute(foreign.AsSpan(0, foreign.Length - 4)));
        var peer = site["peer-a"].Peer!;
        var served = peer.Served;

        await using (var attacker = TestClients.InMemory(site.Broker, "attacker"))
        {
            await attacker.ConnectAsync(cts.Token);
            await attacker.PublishAsync(new MqttApplicationMessage(genuine.Topic, foreign) { Properties = genuine.Properties }, cts.Token);
            await attacker.FlushAsync(cts.Token);
        }

        TestClients.WaitUntil(() => peer.Rejected >= 1);
        var generation = await site.Gateway.GenerateAsync(prompt, NewTokens, cancellationToken: cts.Token);

        Assert.Equal(1, peer.Rejected);
        Assert.Equal(served + NewTokens, peer.Served);
        Assert.Equal(fixture.Unsplit(prompt, NewTokens), generation.Tokens);
    }

    [Fact]
    public async Task RequestBeforeFirstCommit_WaitsForIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(2));
        await site.StartAsync(cts.Token, "peer-a", "peer-b");
        var prompt = fixture.Prompt(7, 6);

        var generating = site.Gateway.GenerateAsync(prompt, NewTokens, cancellationToken: cts.Token);
        await Task.Delay(300, cts.Token);
        Assert.False(generating.IsCompleted);
        var one = LiveLayoutSite.Plan(1, First);
        await site.PrepareAsync(one, cts.Token);
        await site.CommitAsync(one, cts.Token);

        Assert.Equal(fixture.Unsplit(prompt, NewTokens), (await generating).Tokens);
    }

    [Fact]
    public async Task RequestBeforeFirstCommit_NoneComes_FailsClearly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromMilliseconds(100), maxAttempts: 3);
        await site.StartAsync(cts.Token, "peer-a");

        var error = await Assert.ThrowsAsync<InferenceException>(() => site.Gateway.GenerateAsync(fixture.Prompt(4, 7), 4, cancellationToken: cts.Token));

        Assert.Contains("No plan was committed", error.Message, StringComparison.Ordinal);
        Assert.Empty(site.Gateway.Layouts!.LoadedEpochs);
    }

    [Fact]
    public async Task Abandon_PreparedEpoch_DroppedAndUnsubscribed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var site = new LiveLayoutSite(fixture, TimeSpan.FromSeconds(2));
        await site.StartAsync(cts.Token, "peer-a", "peer-b");
        var one = LiveLayoutSite.Plan(1, First);
        var two = LiveLayoutSite.Plan(2, Second);
        await site.PrepareAsync(one, cts.Token);
        await site.CommitAsync(one, cts.Token);
        await site.PrepareAsync(two, cts.Token);

        foreach (var node in new[] { "gw", "peer-a", "peer-b" })
        {
            await site[node].Layouts!.AbandonAsync(2, cts.Token);
        }

        Assert.All(new[] { "gw", "peer-a", "peer-b" }, n => Assert.Equal([1u], site[n].Layouts!.LoadedEpochs));
        var prompt = fixture.Prompt(5, 8);
        Assert.Equal(fixture.Unsplit(prompt, 6), (await site.Gateway.GenerateAsync(prompt, 6, cancellationToken: cts.Token)).Tokens);
    }
}
