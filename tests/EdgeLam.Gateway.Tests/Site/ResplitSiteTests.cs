using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Wire.Codecs;
using Xunit.Abstractions;

namespace EdgeLam.Gateway.Tests.Site;

/// <summary>
/// The live re-split end to end (issue 13, acceptance): a gateway and two peers as orchestrated <c>edgelam run</c>
/// daemons on a real mosquitto, every one at the default agreement settings with raw cuts only (so the greedy tokens
/// must equal the unsplit model's) and the gateway alone eligible as orchestrator. Slowness is real: <c>Node:Throttle</c>
/// (each step waits (t − 1) × its compute time), changed by SIGHUP. Gateway <c>gw</c> throttled 4×, peer <c>fast</c>
/// 1×, peer <c>slow</c> 2×. A subscriber on <c>#</c> checks the privacy floor (p = 1) for the whole run.
/// </summary>
[Collection(nameof(ResplitSiteCollection))]
public sealed class ResplitSiteTests(ResplitSiteFixture model, ITestOutputHelper output)
{
    private const int PrivacyFloor = 1;
    private const int Tokens = 12;
    private static readonly TimeSpan FirstPlanPatience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Resplit_FirstPlan_OptimumOfEverySplitAndResultsEqualTheUnsplitModel()
    {
        await using var site = await SiteHarness.StartAsync(model.PerBlock);
        await using var watch = await BrokerWatch.StartAsync(site.Broker.Port);
        await using var plans = await PlanWatch.StartAsync(site.Broker.Port, site.Topics);
        StartSite(site);

        var (first, at) = plans.WaitCommitted(0, _ => true, FirstPlanPatience, site.AllStderr);
        output.WriteLine($"first plan {PlanWatch.Describe(first)} committed {at.TotalSeconds:F1} s after the watch started");
        AssertOptimal(first);
        using var traffic = new RequestStream(site, model, output);
        traffic.Start(streams: 1);
        traffic.WaitAnswered(4);
        await traffic.StopAsync();

        traffic.AssertEachAnsweredOnceWithTheUnsplitTokens();
        Assert.True(watch.AssertPrivacyFloor(site.Site, PrivacyFloor, model.PerBlock) > 0);
    }

    [Fact]
    public async Task Resplit_PeerSlowedFourTimesThenRestored_MovesAwayWithinTenSecondsAndBackLosingNoRequest()
    {
        await using var site = await SiteHarness.StartAsync(model.PerBlock);
        await using var watch = await BrokerWatch.StartAsync(site.Broker.Port);
        await using var plans = await PlanWatch.StartAsync(site.Broker.Port, site.Topics);
        StartSite(site);

        // The first plan: the optimum of its own snapshot over every split, and results equal the unsplit model's.
        var (first, _) = plans.WaitCommitted(0, _ => true, FirstPlanPatience, site.AllStderr);
        output.WriteLine("first plan " + PlanWatch.Describe(first));
        AssertOptimal(first);
        using var traffic = new RequestStream(site, model, output);
        traffic.Start(streams: 2);
        traffic.WaitAnswered(4);

        // Steady on the fast peer: the site runs on measured figures (which may move the split once after the start-up
        // estimates) and no plan was committed for longer than the hysteresis.
        plans.WaitSteady(["gw", "fast"], new OrchestrationOptions().HoldFor + TimeSpan.FromSeconds(2), FirstPlanPatience, site.AllStderr);
        var (steady, _) = plans.WaitCommitted(0, p => PlanWatch.BlocksOf(p, "fast") > 0 && p == plans.Committed[^1].Plan, TimeSpan.FromSeconds(1), site.AllStderr);
        var fastBlocks = PlanWatch.BlocksOf(steady, "fast");
        output.WriteLine($"steady {PlanWatch.Describe(steady)}\n{plans.Capacities()}");

        // fast slowed 4x: a plan giving it fewer blocks within 10 s.
        var slowedAt = plans.Now;
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} fast slowed 4x");
        site.Reload("fast", new JsonObject { ["Throttle"] = 4 });
        var (away, awayAt) = plans.WaitCommitted(steady.Epoch.Number, p => PlanWatch.BlocksOf(p, "fast") < fastBlocks, TimeSpan.FromSeconds(30), site.AllStderr);
        var resplit = awayAt - slowedAt;
        output.WriteLine($"re-split {resplit.TotalSeconds:F1} s after the 4x throttle: {PlanWatch.Describe(away)}");
        output.WriteLine($"{Decisions(site)}\n{plans.Capacities()}\nfast's capacity after the throttle: {plans.CapacityHistory("fast", slowedAt)}");
        Assert.True(resplit < TimeSpan.FromSeconds(10), $"re-split took {resplit.TotalSeconds:F1} s");

        // fast restored: the split moves back once the gain held for the hysteresis.
        traffic.WaitAnswered(traffic.Answered + 2);
        var restoredAt = plans.Now;
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} fast restored");
        site.Reload("fast", new JsonObject { ["Throttle"] = 1 });
        var (back, backAt) = plans.WaitCommitted(away.Epoch.Number, p => PlanWatch.BlocksOf(p, "fast") > PlanWatch.BlocksOf(away, "fast"), TimeSpan.FromSeconds(60), site.AllStderr);
        output.WriteLine($"moved back {(backAt - restoredAt).TotalSeconds:F1} s after the restore: {PlanWatch.Describe(back)}");
        output.WriteLine($"fast's capacity after the restore: {plans.CapacityHistory("fast", restoredAt)}");
        Assert.True(backAt - restoredAt >= new OrchestrationOptions().HoldFor, "moved back before the hysteresis");

        traffic.WaitAnswered(traffic.Answered + 2);
        await traffic.StopAsync();
        output.WriteLine(Decisions(site));
        traffic.AssertEachAnsweredOnceWithTheUnsplitTokens();
        Assert.True(watch.AssertPrivacyFloor(site.Site, PrivacyFloor, model.PerBlock) > 0);
    }

    [Fact]
    public async Task Resplit_PeerKilled_PlannedOutWithinSecondsAndRunningConversationsComplete()
    {
        await using var site = await SiteHarness.StartAsync(model.PerBlock);
        await using var watch = await BrokerWatch.StartAsync(site.Broker.Port);
        await using var plans = await PlanWatch.StartAsync(site.Broker.Port, site.Topics);
        StartSite(site);
        var (first, _) = plans.WaitCommitted(0, _ => true, FirstPlanPatience, site.AllStderr);
        using var traffic = new RequestStream(site, model, output, tokens: 40);
        traffic.Start(streams: 3);
        traffic.WaitAnswered(3);

        // Kill a peer of the plan in force while conversations run on it.
        var current = plans.Committed[^1].Plan;
        var victim = current.Assignments.First(a => !a.Embedding).Node;
        await Task.Delay(300);
        var killedAt = plans.Now;
        site.Kill(victim);
        var (without, at) = plans.WaitCommitted(current.Epoch.Number, p => !p.NodeIds().Contains(victim), TimeSpan.FromSeconds(30), site.AllStderr);
        output.WriteLine($"{victim} killed, planned out {(at - killedAt).TotalSeconds:F1} s later: {PlanWatch.Describe(without)}");
        Assert.True(at - killedAt < TimeSpan.FromSeconds(10));

        traffic.WaitAnswered(traffic.Answered + 3);
        await traffic.StopAsync();
        traffic.AssertEachAnsweredOnceWithTheUnsplitTokens();
        Assert.Null(site.Node("gw").ExitCodeIfExited);
        Assert.True(watch.AssertPrivacyFloor(site.Site, PrivacyFloor, model.PerBlock) > 0);
    }

    /// <summary>The orchestrator's decisions so far (its log lines), to tell where a slow re-split spent its time.</summary>
    private static string Decisions(SiteHarness site) =>
        string.Join('\n', site.Node("gw").Stderr.Split('\n').Where(l => l.Contains("AgreementService[400", StringComparison.Ordinal)));

    private static void StartSite(SiteHarness site)
    {
        static JsonObject Orchestration(bool eligible) => new()
        {
            ["Orchestration"] = new JsonObject { ["Enabled"] = true, ["Eligible"] = eligible, ["PrivacyFloor"] = PrivacyFloor, ["Codecs"] = new JsonArray("raw") },
        };

        static JsonObject Node(string role, double throttle) => new()
        {
            ["Role"] = role,
            ["Throttle"] = throttle,
            ["ContextLimit"] = ResplitSiteFixture.ContextLimit,
            ["StepTimeout"] = "1s",
            ["MaxAttempts"] = 6,
            ["ProbeBytes"] = 4096,
        };

        site.StartNode("gw", Node("gateway", 4), Orchestration(eligible: true));
        site.StartNode("fast", Node("peer", 1), Orchestration(eligible: false));
        site.StartNode("slow", Node("peer", 2), Orchestration(eligible: false));
        site.WaitServing("gw", "fast", "slow");
    }

    /// <summary>The plan costs what the cheapest of every split of its own snapshot (capacities and links) costs.</summary>
    private void AssertOptimal(AgreedPlan plan)
    {
        var problem = new PlanningProblem
        {
            Costs = model.Costs,
            Nodes = plan.Capacities,
            Links = plan.Links ?? [],
            Constraints = new PlanningConstraints { PrivacyFloor = PrivacyFloor, AllowedCodecs = [WireCodec.Raw], PeerRequired = true },
        };
        var peers = plan.Capacities.Where(n => !n.IsGateway && n.EligibleAsPeer).Select(n => n.Id).ToList();
        var best = double.PositiveInfinity;
        var tried = 0;
        foreach (var candidate in EverySplit(plan.Capacities.Single(n => n.IsGateway).Id, peers))
        {
            if (PlanEvaluator.Evaluate(problem, candidate) is { Best: { } priced, Infeasibility: null })
            {
                best = Math.Min(best, priced.Cost);
                tried++;
            }
        }

        var chosen = PlanEvaluator.Evaluate(problem, PlanPricing.Pipeline(plan)!).Best!.Cost;
        output.WriteLine($"first plan costs {chosen:F4}; the best of {tried} splits {best:F4}");
        Assert.Equal(best, chosen, 9);
    }

    /// <summary>Every chain the roles host: the gateway keeps [0, c) with p ≤ c &lt; L, then one or two peers in either order, every cut raw.</summary>
    private static IEnumerable<PipelinePlan> EverySplit(string gateway, IReadOnlyList<string> peers)
    {
        const int L = ResplitSiteFixture.Blocks;
        var orders = peers.Select(p => (IReadOnlyList<string>)[p]).Concat(peers.SelectMany(a => peers.Where(b => b != a).Select(b => (IReadOnlyList<string>)[a, b])));
        for (var c = PrivacyFloor; c < L; c++)
        {
            var gatewayStage = new PlanStage(gateway, 0, c, true, false, WireCodec.Raw);
            foreach (var order in orders)
            {
                if (order.Count == 1)
                {
                    yield return new PipelinePlan([gatewayStage], [new PlanStage(order[0], c, L, false, true, null)], [], 0);
                    continue;
                }

                for (var m = c + 1; m <= L; m++)
                {
                    yield return new PipelinePlan([gatewayStage], [new PlanStage(order[0], c, m, false, false, WireCodec.Raw), new PlanStage(order[1], m, L, false, true, null)], [], 0);
                }
            }
        }
    }

    /// <summary>Requests sent one after another on a few streams, each with its own id; what came back is checked at the end.</summary>
    private sealed class RequestStream(SiteHarness site, ResplitSiteFixture model, ITestOutputHelper output, int tokens = Tokens) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, (int Seed, JsonObject Final)> _answers = new();
        private readonly ConcurrentBag<string> _sent = [];
        private Task _run = Task.CompletedTask;
        private int _next;

        public int Answered => _answers.Count;

        public void Start(int streams) =>
            _run = Task.WhenAll(Enumerable.Range(0, streams).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref _next);
                    var id = "req-" + n;
                    var seed = n % 4;
                    _sent.Add(id);
                    _answers[id] = (seed, await site.RequestAsync("gw", id, model.Prompt(seed), tokens));
                }
            })));

        public void WaitAnswered(int count)
        {
            if (!SpinWait.SpinUntil(() => Answered >= count || _run.IsFaulted, SiteHarness.Patience) || _run.IsFaulted)
            {
                throw new Xunit.Sdk.XunitException($"{Answered} of {count} requests answered ({_run.Exception?.Message}); stderr:\n{site.AllStderr()}");
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run;
        }

        public void AssertEachAnsweredOnceWithTheUnsplitTokens()
        {
            var sent = _sent.ToList();
            Assert.Equal(sent.Count, sent.Distinct().Count());
            foreach (var id in sent)
            {
                var (seed, final) = _answers[id];
                Assert.True(final["error"] is null, $"{id}: {final.ToJsonString()}");
                var got = final["tokens"]!.AsArray().Select(t => t!.GetValue<long>()).ToList();
                var unsplit = model.Unsplit(seed, tokens);
                Assert.True(unsplit.SequenceEqual(got), $"{id} (prompt {seed}): unsplit {string.Join(",", unsplit)}, got {string.Join(",", got)}; in one process on the per-block split {string.Join(",", model.PerBlockInProcess(seed, tokens))}");
                Assert.Equal(1, site.FinalCount(id));
            }

            output.WriteLine($"{sent.Count} requests, each answered once with the unsplit model's tokens");
        }

        public void Dispose() => _stop.Dispose();
    }
}

[CollectionDefinition(nameof(ResplitSiteCollection))]
public sealed class ResplitSiteCollection : ICollectionFixture<ResplitSiteFixture>
{
}
