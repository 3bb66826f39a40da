using System.Text.Json.Nodes;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests.Layouts;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests;

/// <summary><c>edgelam run</c> with <c>Orchestration:Enabled</c>: the node's layout comes from the agreement.</summary>
public sealed partial class DaemonNodeTests
{
    [Fact]
    public async Task Run_OrchestratedPeerOnAnExport_NoSegmentsUntilAPlanCommitsThenItsBlocks()
    {
        using var layouts = new LiveLayoutFixture();
        using var broker = new MosquittoBroker();
        var work = _dir.Combine("work");
        Config(
            broker.Port,
            new JsonObject { ["Role"] = "peer" },
            layouts.Export,
            sections: new JsonObject
            {
                ["Orchestration"] = new JsonObject { ["Enabled"] = true, ["Eligible"] = false }, // the test plays the orchestrator
                ["Model"] = new JsonObject { ["Path"] = layouts.Export, ["WorkDirectory"] = work },
            });
        var topics = new TopicScheme(_site);
        await using var status = await StatusWatcher.StartAsync(broker.Port, topics.NodeStatus("daemon-node"));
        await using var acks = await StatusWatcher.StartAsync(broker.Port, topics.NodePlanAck("daemon-node"));
        using var daemon = Start();

        // Started orchestrated: no layout, epoch 0; the export was split per block into the work folder.
        var before = status.WaitFor(s => s["state"]?.GetValue<string>() == "online" && s["segments"] is not null, Patience, "status summary online", daemon);
        Assert.Equal("none", before["segments"]!.GetValue<string>());
        Assert.Equal(0, before["planEpoch"]!.GetValue<long>());
        Assert.True(File.Exists(Path.Combine(work, "blocks-all", "manifest.json")));

        // A plan giving it blocks [1, 4) and the head: prepared and acknowledged, then committed.
        var model = SplitModelIdentity.Read(Path.Combine(work, "blocks-all")).ToString();
        var plan = new AgreedPlan(
            new PlanEpoch(5, "test-orchestrator", 1),
            model,
            [new PlanAssignment("test-gw", 0, 1, true, false, "raw", 1), new PlanAssignment("daemon-node", 1, LiveLayoutFixture.Blocks, false, true, null, 1)],
            [],
            0);
        await PublishPlanAsync(broker.Port, topics, plan);
        var ack = acks.WaitFor(a => a["epoch"]?["number"]?.GetValue<long>() == 5, Patience, "the daemon's answer to epoch 5", daemon);
        Assert.True(ack["accepted"]!.GetValue<bool>(), ack.ToJsonString());

        await PublishPlanAsync(broker.Port, topics, plan with { Phase = PlanPhase.Commit });
        var after = status.WaitFor(s => s["planEpoch"]?.GetValue<long>() == 5, Patience, "status on epoch 5", daemon);
        Assert.Equal("2-5", after["segments"]!.GetValue<string>()); // blocks 1..3 are segments 2..4, the head segment 5

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }

    [Fact]
    public void Run_OrchestratedWithStaticKeys_Exits78NamingEachKey()
    {
        using var broker = new MosquittoBroker();
        Config(
            broker.Port,
            new JsonObject { ["Segments"] = "1-1", ["PlanEpoch"] = 2 },
            _model.TwoWay,
            sections: new JsonObject { ["Orchestration"] = new JsonObject { ["Enabled"] = true } });
        using var daemon = Start();

        var code = daemon.WaitForExit(Patience);

        Assert.True(code == 78, $"exit code {code}, stderr:\n{daemon.Stderr}");
        Assert.Contains("Node:Segments = \"1-1\": must be unset with Orchestration:Enabled true", daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains("Node:PlanEpoch = \"2\": must be unset", daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains("Node:Role = \"auto\": must be gateway or peer", daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains("Model:Path", daemon.Stderr, StringComparison.Ordinal); // a 2-way split is not split at every block
    }

    private async Task PublishPlanAsync(int port, TopicScheme topics, AgreedPlan plan)
    {
        await using var publisher = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = port, ClientId = "plan-" + _site, CleanStart = true });
        await publisher.ConnectAsync().WaitAsync(Patience);
        await publisher.PublishAsync(new MqttApplicationMessage(topics.Plan, ControlMessageCodec.Encode(plan), Retain: true));
        await publisher.FlushAsync().WaitAsync(Patience);
    }
}
