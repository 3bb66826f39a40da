using System.Text.Json.Nodes;
using EdgeLam.Gateway.Tests.Site;
using EdgeLam.Transport.Tests;
using EdgeLam.Wire.Codecs;
using Xunit.Abstractions;

namespace EdgeLam.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix, frozen peer row: a gateway and two peers of the same stage as <c>edgelam run</c> processes (tiny
/// split 2-way, step timeout 1 s). One peer is stopped with SIGSTOP for longer than three step timeouts while it holds
/// conversations, then continued with SIGCONT: the gateway re-homes its conversations, the frozen peer's late answers
/// are counted and dropped, and an independent subscriber on the results topic sees each step of each request once.
/// </summary>
[Collection(nameof(FaultMatrixCollection))]
public sealed class PeerStopFaultTests(MultiNodeFixture model, ITestOutputHelper output)
{
    private const int Requests = 16;
    private const int Tokens = 24;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Site_PeerStoppedLongerThanStepTimeoutThenContinued_EveryRequestAnsweredOnceNoDuplicateResultPeerServesAfter()
    {
        await using var site = await SiteHarness.StartAsync(model.TwoWay);
        await using var watch = await ResultWatch.StartAsync(site.Broker.Port, site.Topics);
        var limit = MultiNodeFixture.ContextLimit;
        site.StartNode("gw", new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["ContextLimit"] = limit, ["StepTimeout"] = "1s", ["MaxAttempts"] = 9 });
        site.StartNode("peer-a", new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ContextLimit"] = limit });
        site.StartNode("peer-b", new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ContextLimit"] = limit });
        site.WaitServing("gw", "peer-a", "peer-b");

        var prompts = Enumerable.Range(0, Requests).Select(i => model.Prompt(4 + (i % 4), 700 + i)).ToArray();
        var pending = Enumerable.Range(0, Requests).Select(i => site.RequestAsync("gw", "stop-" + i, prompts[i], Tokens)).ToArray();

        // Freeze peer-a once it holds conversations (a step it answered is on the results topic), for 4 step timeouts.
        Assert.True(watch.WaitUntil(seen => seen.Any(r => !r.Final && r.Nodes.Contains("peer-a")), SiteHarness.Patience), "peer-a served no step");
        site.Node("peer-a").Signal("STOP");
        await Task.Delay(StepTimeout * 4);
        site.Node("peer-a").Signal("CONT");

        var finals = await Task.WhenAll(pending);
        var ids = Enumerable.Range(0, Requests).Select(i => "stop-" + i).ToList();
        Assert.True(watch.WaitUntil(seen => ids.All(id => seen.Any(r => r.Final && r.Id == id)), SiteHarness.Patience), "the subscriber missed a final result");
        await Task.Delay(StepTimeout * 3); // the continued peer works off what reached it while frozen
        var seen = watch.Seen;
        var status = site.Status("gw")!;
        output.WriteLine($"fault-matrix peer-stop: results seen {seen.Count}, duplicated {watch.Duplicates().Count}; gateway resent {status["resent"]}, rehomed {status["rehomed"]}, rejected {status["rejected"]}; peer-a {site.Status("peer-a")?["rejected"]} rejected, {site.Status("peer-a")?["replayed"]} replayed");

        Assert.All(ids, id => Assert.Equal(1, seen.Count(r => r.Final && r.Id == id)));
        Assert.Empty(watch.Duplicates());
        for (var i = 0; i < Requests; i++)
        {
            Assert.Null(finals[i]["error"]);
            Assert.Equal(model.InProcess(model.TwoWay, WireCodec.Raw, prompts[i], Tokens), finals[i]["tokens"]!.AsArray().Select(t => t!.GetValue<long>()));
        }

        Assert.True(status["rehomed"]!.GetValue<long>() > 0, "no conversation was re-homed");

        // The continued peer's late answers reached the gateway, which counted and dropped them (none became a result).
        Assert.True(SpinWait.SpinUntil(() => site.Status("gw")?["rejected"]?.GetValue<long>() > 0, SiteHarness.Patience), "the gateway counted no late reply");

        // The continued peer serves again: with peer-b gone, a new request runs on peer-a.
        site.Kill("peer-b");
        var after = await site.RequestAsync("gw", "after-cont", prompts[0], Tokens);
        Assert.Null(after["error"]);
        Assert.Contains(after["stages"]!.AsArray(), s => s!["node"]!.GetValue<string>() == "peer-a");
        Assert.Null(site.Node("gw").ExitCodeIfExited);
        Assert.Null(site.Node("peer-a").ExitCodeIfExited);
    }
}
