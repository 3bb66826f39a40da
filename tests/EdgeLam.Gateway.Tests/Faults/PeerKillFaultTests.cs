using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLam.Gateway.Tests.Site;
using EdgeLam.Transport.Tests;
using EdgeLam.Wire.Codecs;
using Xunit.Abstractions;

namespace EdgeLam.Gateway.Tests.Faults;

/// <summary>
/// Fault matrix, killed peer row: a gateway and two peers of the same stage as <c>edgelam run</c> processes (tiny
/// split 2-way, step timeout 1 s). A round of conversations runs undisturbed, then a second round in which one peer is
/// killed with SIGKILL mid-generation: every conversation completes with the undisturbed tokens, and the time the kill
/// added to a conversation it held is printed (<c>bench/fault-matrix.sh</c> collects it for docs/reliability.md).
/// </summary>
[Collection(nameof(FaultMatrixCollection))]
public sealed class PeerKillFaultTests(MultiNodeFixture model, ITestOutputHelper output)
{
    private const int Conversations = 4; // the gateway runs 4 requests at once: all conversations of a round run together
    private const int Tokens = 48;

    [Fact]
    public async Task Site_PeerKilledMidGeneration_EveryConversationCompletesWithUndisturbedTokens()
    {
        await using var site = await SiteHarness.StartAsync(model.TwoWay);
        await using var watch = await ResultWatch.StartAsync(site.Broker.Port, site.Topics);
        var limit = MultiNodeFixture.ContextLimit;
        site.StartNode("gw", new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["ContextLimit"] = limit, ["StepTimeout"] = "1s", ["MaxAttempts"] = 9 });
        site.StartNode("peer-a", new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ContextLimit"] = limit, ["Throttle"] = 4 });
        site.StartNode("peer-b", new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ContextLimit"] = limit, ["Throttle"] = 4 });
        site.WaitServing("gw", "peer-a", "peer-b");
        var prompts = Enumerable.Range(0, Conversations).Select(i => model.Prompt(5, 900 + i)).ToArray();

        var undisturbed = await RoundAsync(site, "calm", prompts, kill: null);
        var faulted = await RoundAsync(site, "kill", prompts, kill: () => watch.WaitUntil(seen => seen.Any(r => r.Id.StartsWith("kill-", StringComparison.Ordinal) && r.Step == 2 && r.Nodes.Contains("peer-a")), SiteHarness.Patience));

        // Conversations peer-a held when it died were re-homed to peer-b: their first results came from peer-a, their final from peer-b.
        var seen = watch.Seen;
        var held = Enumerable.Range(0, Conversations).Where(i => seen.Any(r => r.Id == "kill-" + i && r.Nodes.Contains("peer-a")) && !faulted.Results[i]["stages"]!.AsArray().Any(s => s!["node"]!.GetValue<string>() == "peer-a")).ToList();
        for (var i = 0; i < Conversations; i++)
        {
            Assert.Null(faulted.Results[i]["error"]);
            Assert.Equal(model.InProcess(model.TwoWay, WireCodec.Raw, prompts[i], Tokens), TokensOf(faulted.Results[i]));
            Assert.Equal(TokensOf(undisturbed.Results[i]), TokensOf(faulted.Results[i]));
        }

        Assert.NotEmpty(held);
        Assert.Empty(watch.Duplicates());
        var calm = Median(undisturbed.Seconds);
        var added = held.Select(i => faulted.Seconds[i] - undisturbed.Seconds[i]).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fault-matrix peer-kill: {Tokens} tokens per conversation, undisturbed median {calm:F2} s; {held.Count} conversation(s) held by the killed peer: added {added.Min():F2}..{added.Max():F2} s (median {Median(added):F2} s) over the same conversation undisturbed, at step timeout 1 s"));
        Assert.Null(site.Node("gw").ExitCodeIfExited);
        Assert.Null(site.Node("peer-b").ExitCodeIfExited);
    }

    private static async Task<(JsonObject[] Results, double[] Seconds)> RoundAsync(SiteHarness site, string name, long[][] prompts, Func<bool>? kill)
    {
        var seconds = new double[prompts.Length];
        var running = prompts.Select(async (p, i) =>
        {
            var start = Stopwatch.GetTimestamp();
            var result = await site.RequestAsync("gw", name + "-" + i, p, Tokens);
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return result;
        }).ToArray();
        if (kill is not null)
        {
            Assert.True(kill(), "peer-a ran no step of the round");
            site.Kill("peer-a");
        }

        return (await Task.WhenAll(running), seconds);
    }

    private static List<long> TokensOf(JsonObject result) => [.. result["tokens"]!.AsArray().Select(t => t!.GetValue<long>())];

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
