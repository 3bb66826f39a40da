using System.Text.Json.Nodes;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Tests;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Gateway.Tests.Site;

/// <summary>
/// A gateway and two peers as <c>edgelam run</c> processes on a real mosquitto, with tiny split 3-way (segments:
/// embedding + block 0 | block 1 | head) and a static split: gateway 0-0, peer-a 1-1, peer-b 2-2 throttled 2×.
/// Requests go over <c>requests/{gateway}</c>; a subscriber on <c>#</c> checks the privacy floor (p = 1 block).
/// </summary>
public sealed class SiteTests(MultiNodeFixture model) : IClassFixture<MultiNodeFixture>
{
    private const int PrivacyFloor = 1;

    [Fact]
    public async Task Site_StaticThreeNodeSplitOneThrottled_TokensEqualOneProcessBadRequestsAnsweredAndNoFrameBelowTheFloor()
    {
        await using var site = await SiteHarness.StartAsync(model.ThreeWay);
        await using var watch = await BrokerWatch.StartAsync(site.Broker.Port);
        var limit = MultiNodeFixture.ContextLimit;
        site.StartNode("gw", new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["ContextLimit"] = limit, ["StepTimeout"] = "1s", ["MaxAttempts"] = 3 });
        site.StartNode("peer-a", new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ContextLimit"] = limit });
        site.StartNode("peer-b", new JsonObject { ["Role"] = "peer", ["Segments"] = "2-2", ["ContextLimit"] = limit, ["Throttle"] = 2 });
        site.WaitServing("gw", "peer-a", "peer-b");

        // Requests in flight together; each one's greedy tokens are those of the same model chained in one process.
        var prompts = Enumerable.Range(0, 4).Select(i => model.Prompt(5 + i, seed: 30 + i)).ToList();
        var finals = await Task.WhenAll(prompts.Select((p, i) => site.RequestAsync("gw", "req-" + i, p, 6)));
        for (var i = 0; i < prompts.Count; i++)
        {
            Assert.Null(finals[i]["error"]);
            Assert.Equal(model.InProcess(model.ThreeWay, WireCodec.Raw, prompts[i], 6), Tokens(finals[i]));
            var stages = finals[i]["stages"]!.AsArray().Select(s => s!["node"]!.GetValue<string>()).ToList();
            Assert.Equal(["gw", "peer-a", "peer-b"], stages);
        }

        // Requests that cannot run get an error result naming the problem; the gateway keeps serving.
        await site.SendRawAsync("gw", "{ not json");
        var empty = await RawRequestAsync(site, """{"id":"empty-1","promptIds":[],"maxTokens":3}""", "empty-1");
        Assert.Contains("promptIds is empty", empty["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(empty["tokens"]!.AsArray());
        var tooLong = await RawRequestAsync(site, $$"""{"id":"long-1","promptIds":[5,6],"maxTokens":{{limit}}}""", "long-1");
        Assert.Contains($"exceed the context limit of {limit}", tooLong["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // SIGHUP with a new throttle: applied to the running stage, results unchanged.
        site.Reload("peer-b", new JsonObject { ["Throttle"] = 3 });
        SpinWait.SpinUntil(() => site.Node("peer-b").Stderr.Contains("Node:Throttle 3 apply now", StringComparison.Ordinal), SiteHarness.Patience);
        Assert.Contains("Node:Throttle 3 apply now", site.Node("peer-b").Stderr, StringComparison.Ordinal);
        var after = await site.RequestAsync("gw", "after-reload", prompts[0], 6);
        Assert.Equal(Tokens(finals[0]), Tokens(after));

        // The last peer killed: the request fails after every attempt with an error result; the gateway stays up.
        site.Kill("peer-b");
        var orphan = await site.RequestAsync("gw", "orphan", prompts[1], 3);
        Assert.Contains("InferenceException", orphan["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(site.Node("gw").ExitCodeIfExited);

        Assert.True(watch.AssertPrivacyFloor(site.Site, PrivacyFloor, model.ThreeWay) > 0);
        Assert.Contains(watch.Seen, m => m.Topic == site.Topics.Results("gw") && System.Text.Encoding.UTF8.GetString(m.Payload).Contains("\"error\":\"bad JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BrokerWatch_FrameCutBelowTheFloor_Fails()
    {
        using var broker = new MosquittoBroker();
        await using var watch = await BrokerWatch.StartAsync(broker.Port);
        await using var client = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = broker.Port, ClientId = "leaky-gateway" });
        await client.ConnectAsync();
        var topics = new Transport.Topics.TopicScheme("leaky");

        // tiny split as embedding | block 0 | block 1 + head: boundary 1 is after one block, boundary 0 the embedding itself.
        await client.PublishAsync(new MqttApplicationMessage(topics.Activation("m", 1), Frame(boundary: 1)));
        await client.PublishAsync(new MqttApplicationMessage(topics.Activation("m", 0), Frame(boundary: 0)));
        await client.FlushAsync();
        SpinWait.SpinUntil(() => watch.Seen.Count == 2, TimeSpan.FromSeconds(10));

        var error = Assert.ThrowsAny<Exception>(() => watch.AssertPrivacyFloor("leaky", PrivacyFloor, model.EmbeddingSplit));
        Assert.Contains("cut after 0 block(s) (boundary 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokerWatch_MessageOutsideTheScheme_Fails()
    {
        using var broker = new MosquittoBroker();
        await using var watch = await BrokerWatch.StartAsync(broker.Port);
        await using var client = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = broker.Port, ClientId = "leaky-sensor" });
        await client.ConnectAsync();

        await client.PublishAsync(new MqttApplicationMessage("edgelam/v1/leaky/readings/thermo", "21.5"u8.ToArray()));
        await client.FlushAsync();
        SpinWait.SpinUntil(() => watch.Seen.Count == 1, TimeSpan.FromSeconds(10));

        var error = Assert.ThrowsAny<Exception>(() => watch.AssertPrivacyFloor("leaky", PrivacyFloor, model.EmbeddingSplit));
        Assert.Contains("outside the EdgeLam scheme", error.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> RawRequestAsync(SiteHarness site, string json, string id)
    {
        await site.SendRawAsync("gw", json);
        return await site.FinalAsync(id);
    }

    private static List<long> Tokens(JsonObject result) => [.. result["tokens"]!.AsArray().Select(t => t!.GetValue<long>())];

    private static byte[] Frame(ushort boundary)
    {
        var buffer = new byte[512];
        var writer = new FrameWriter(buffer, new FrameHeader { SessionId = Guid.NewGuid(), Step = 0, PlanEpoch = 1, BoundaryIndex = boundary });
        writer.WriteTensor("hidden_states", [1, 1, 4], WireCodec.Raw, [0.5f, -1f, 2f, 0f]);
        return buffer[..writer.Complete()];
    }
}
