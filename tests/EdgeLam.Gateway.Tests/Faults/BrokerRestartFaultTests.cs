using System.Text.Json.Nodes;
using EdgeLam.Gateway.Tests.Site;
using EdgeLam.Transport.Tests;
using EdgeLam.Wire.Codecs;
using Xunit.Abstractions;

namespace EdgeLam.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix, broker row: a gateway and a peer as <c>edgelam run</c> processes (tiny split 2-way) serve 1000
/// requests of 1–2 tokens sent on <c>requests/gw</c> while mosquitto is restarted 10 times. Every request gets its
/// tokens, runs once and yields one final result; redelivered results are counted and must be identical.
/// </summary>
[Collection(nameof(FaultMatrixCollection))]
public sealed class BrokerRestartFaultTests(MultiNodeFixture model, ITestOutputHelper output)
{
    private const int Requests = 1000;
    private const int Restarts = 10;
    private const int Concurrency = 8;
    private const int Prompts = 16;

    [Fact]
    public async Task Site_BrokerRestartedTenTimesDuring1000Requests_EveryRequestRunsOnceOneFinalResultRedeliveriesIdenticalDaemonsUp()
    {
        await using var site = await SiteHarness.StartAsync(model.TwoWay);
        await using var watch = await ResultWatch.StartAsync(site.Broker.Port, site.Topics);
        site.StartNode("gw", new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["ContextLimit"] = MultiNodeFixture.ContextLimit, ["StepTimeout"] = "1s", ["MaxAttempts"] = 30 });
        site.StartNode("peer-a", new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ContextLimit"] = MultiNodeFixture.ContextLimit });
        site.WaitServing("gw", "peer-a");

        // 16 prompts cycled; each request's greedy tokens are those of the model chained in one process.
        var prompts = Enumerable.Range(0, Prompts).Select(i => model.Prompt(3 + (i % 5), 500 + i)).ToArray();
        var references = prompts.Select(p => model.InProcess(model.TwoWay, WireCodec.Raw, p, 2)).ToArray();
        var finals = new JsonObject?[Requests];
        var completed = 0;
        var next = -1;
        var restarted = 0;
        var started = DateTime.UtcNow;
        var restarts = Task.Run(async () =>
        {
            for (var r = 1; r <= Restarts; r++)
            {
                while (Volatile.Read(ref completed) < r * Requests / (Restarts + 1))
                {
                    await Task.Delay(5);
                }

                site.Broker.Restart();
                Interlocked.Increment(ref restarted);
            }
        });
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Requests; i = Interlocked.Increment(ref next))
            {
                finals[i] = await site.RequestAsync("gw", "r" + i, prompts[i % Prompts], 1 + (i % 2));
                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        await restarts;
        var elapsed = DateTime.UtcNow - started;

        // Every request's final result reached the independent subscriber too; give late duplicates a moment to show.
        var ids = Enumerable.Range(0, Requests).Select(i => "r" + i).ToHashSet();
        watch.WaitUntil(seen => ids.All(id => seen.Any(r => r.Final && r.Id == id)), SiteHarness.Patience);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var seen = watch.Seen;
        var errors = finals.Count(f => f!["error"] is not null);
        var duplicates = watch.Duplicates();
        var repeated = site.Node("gw").Stderr.Split('\n').Count(l => l.Contains("arrived again", StringComparison.Ordinal));
        output.WriteLine($"fault-matrix broker-restart: {Requests} requests, {restarted} broker restarts in {elapsed.TotalSeconds:F1} s; results seen {seen.Count}, error results {errors}, results redelivered {duplicates.Count}, requests redelivered to the gateway and dropped {repeated}");
        foreach (var d in duplicates.Take(10))
        {
            output.WriteLine($"redelivered: {d.Key.Id} step {d.Key.Step} x{d.Count}: " + string.Join("; ", seen.Where(r => r.Id == d.Key.Id && r.Step == d.Key.Step).Select(r => $"request {r.Request} session {r.Session}")));
        }

        // The rule (docs/reliability.md): each request runs once — one gateway request number per id — and each of its
        // results reaches the subscriber at least once; a result whose acknowledgement a restart lost comes again
        // identical (QoS 1), and a subscriber drops it by (gateway, request, step).
        Assert.Equal(Restarts, restarted);
        Assert.All(ids, id => Assert.Single(seen.Where(r => r.Id == id).Select(r => r.Request).Distinct()));
        Assert.All(ids, id => Assert.Single(seen.Where(r => r.Final && r.Id == id).Select(r => (r.Request, r.Session, r.Step)).Distinct()));
        Assert.All(seen.GroupBy(r => (r.Request, r.Step)), g => Assert.Single(g.Select(r => (r.Id, r.Session, string.Join(',', r.Tokens))).Distinct()));
        Assert.True(duplicates.Count <= Restarts * Concurrency, $"{duplicates.Count} results redelivered: more than the in-flight ones at {Restarts} restarts");
        Assert.Equal(0, errors);
        for (var i = 0; i < Requests; i++)
        {
            Assert.Equal(references[i % Prompts].Take(1 + (i % 2)), finals[i]!["tokens"]!.AsArray().Select(t => t!.GetValue<long>()));
        }

        Assert.Null(site.Node("gw").ExitCodeIfExited);
        Assert.Null(site.Node("peer-a").ExitCodeIfExited);
    }
}
