using System.Text.Json.Nodes;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests;

/// <summary><c>edgelam run</c> with <c>Orchestration:Enabled</c>: the agreement runs beside the static stage.</summary>
public sealed partial class DaemonNodeTests
{
    [Fact]
    public async Task Run_OrchestrationEnabled_StatusSaysEligibleAndPlanWithoutLayoutHostIsRefusedNotFatal()
    {
        using var broker = new MosquittoBroker();
        Config(broker.Port, new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1" }, _model.TwoWay, sections: new JsonObject { ["Orchestration"] = new JsonObject { ["Enabled"] = true } });
        var topics = new TopicScheme(_site);
        await using var status = await StatusWatcher.StartAsync(broker.Port, topics.NodeStatus("daemon-node"));
        await using var acks = await StatusWatcher.StartAsync(broker.Port, topics.NodePlanAck("daemon-node"));
        using var daemon = Start();

        status.WaitFor(s => s["eligible"]?.GetValue<bool>() == true && s["state"]?.GetValue<string>() == "online", Patience, "status eligible", daemon);
        var model = SplitModelIdentity.Read(_model.TwoWay).ToString();
        var plan = new AgreedPlan(
            new PlanEpoch(5, "test-orchestrator", 1),
            model,
            [new PlanAssignment("test-gw", 0, 1, true, false, "raw", 1), new PlanAssignment("daemon-node", 1, 2, false, true, null, 1)],
            [],
            0);
        await using (var publisher = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = broker.Port, ClientId = "plan-" + _site, CleanStart = true }))
        {
            await publisher.ConnectAsync().WaitAsync(Patience);
            await publisher.PublishAsync(new MqttApplicationMessage(topics.Plan, ControlMessageCodec.Encode(plan), Retain: true));
            await publisher.FlushAsync().WaitAsync(Patience);
        }

        var ack = acks.WaitFor(a => a["epoch"]?["number"]?.GetValue<long>() == 5, Patience, "the daemon's answer to epoch 5", daemon);
        Assert.False(ack["accepted"]!.GetValue<bool>());
        Assert.Equal("PrepareFailed", ack["reason"]!.GetValue<string>());
        Assert.Contains("cannot switch layouts", ack["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }
}
