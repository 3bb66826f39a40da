using System.Text.Json.Nodes;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests;

/// <summary><c>edgelam run</c> as a peer: the capacity it measures (compute, memory, layer costs, links) and its link probes.</summary>
public sealed partial class DaemonNodeTests
{
    [Fact]
    public async Task Run_Peer_CapacityFromBenchmarkThenItsOwnStepsWithTheLinkItProbed()
    {
        using var broker = new MosquittoBroker();
        Config(broker.Port, new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["ProbeInterval"] = "1s", ["ProbeBytes"] = 4096 }, _model.TwoWay);
        var topics = new TopicScheme(_site);
        await using var capacity = await StatusWatcher.StartAsync(broker.Port, topics.NodeCapacity("daemon-node"));
        await using var other = await ProbeEchoNode.StartAsync(broker.Port, topics, "other-node");
        using var daemon = Start();

        // Before any step: the compute figures are the start-up benchmark's, the costs those of tiny's block 1 (+ head).
        var fresh = capacity.WaitFor(c => c["models"]?[0]?["decodeSource"]?.GetValue<string>() == "benchmark", Patience, "capacity from the benchmark", daemon);
        var hosted = fresh["models"]![0]!;
        Assert.True(hosted["decodeMsPerUnit"]!.GetValue<double>() > 0);
        Assert.Equal("benchmark", hosted["prefillSource"]!.GetValue<string>());
        Assert.True(hosted["head"]!.GetValue<bool>());
        Assert.False(hosted["embedding"]!.GetValue<bool>());
        var layer = Assert.Single(hosted["layers"]!.AsArray())!;
        Assert.Equal(1, layer["layer"]!.GetValue<int>());
        Assert.True(layer["kvBytesPerPosition"]!.GetValue<long>() > 0);
        Assert.True(hosted["weightBytes"]!.GetValue<long>() >= layer["weightBytes"]!.GetValue<long>());
        Assert.Equal("peer", fresh["roles"]![0]!.GetValue<string>());

        // The daemon probes the other online node (small and large probes, zeros only) and publishes the link.
        var linked = capacity.WaitFor(
            c => c["links"]?.AsArray().Any(l => l?["to"]?.GetValue<string>() == "other-node" && l["bytesPerSecond"] is not null) == true,
            Patience,
            "capacity with the link to other-node",
            daemon);
        var link = linked["links"]!.AsArray().Single(l => l!["to"]!.GetValue<string>() == "other-node")!;
        Assert.True(link["roundTripMs"]!.GetValue<double>() > 0);
        Assert.True(link["bytesPerSecond"]!.GetValue<double>() > 0);
        Assert.Contains(4096, other.PaddingSeen);
        Assert.True(other.OnlyZeros);

        // The daemon echoes a probe of another node: same sequence and timestamp, no padding.
        var echo = await other.ProbeAsync("daemon-node", sequence: 77, sentUs: 123_456).WaitAsync(Patience);
        Assert.Equal(ProbeKind.Echo, echo.Kind);
        Assert.Equal("daemon-node", echo.From);
        Assert.Equal(123_456, echo.SentUs);
        Assert.Null(echo.Padding);

        // After steps: both figures are measured on the node's own steps (the prompt's 6 positions were one prefill).
        var prompt = _model.Prompt(6, seed: 5);
        await GenerateAsync(broker.Port, prompt, newTokens: 4);
        var measured = capacity.WaitFor(
            c => c["models"]?[0]?["decodeSource"]?.GetValue<string>() == "measured" && c["models"]?[0]?["prefillSource"]?.GetValue<string>() == "measured",
            Patience,
            "capacity measured on its own steps",
            daemon);
        hosted = measured["models"]![0]!;
        Assert.Equal(prompt.Length, hosted["prefillPositions"]!.GetValue<long>());
        Assert.True(hosted["decodeMsPerUnit"]!.GetValue<double>() > 0);
        Assert.True(hosted["prefillMsPerPositionPerUnit"]!.GetValue<double>() > 0);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }

    /// <summary>Runs one request through the daemon from an in-process gateway stage (segment 0) of this test's site.</summary>
    private async Task<GatewayGeneration> GenerateAsync(int brokerPort, IReadOnlyList<long> prompt, int newTokens)
    {
        var options = new NodeRoleOptions
        {
            Site = _site,
            Node = "test-gateway",
            ModelDirectory = _model.TwoWay,
            FirstSegment = 0,
            LastSegment = 0,
            ContextLimit = MultiNodeFixture.ContextLimit,
            StepTimeout = TimeSpan.FromSeconds(10),
            MaxAttempts = 3,
        };
        await using var client = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = brokerPort, ClientId = "test-gateway-" + _site });
        using var gateway = new GatewayRole(options, _model.Runtime, client);
        using var stop = new CancellationTokenSource();
        await client.ConnectAsync();
        await gateway.StartAsync(CancellationToken.None);
        var replies = Task.Run(() => gateway.RunAsync(stop.Token));
        var generation = await gateway.GenerateAsync(prompt, newTokens).WaitAsync(Patience);
        await stop.CancelAsync();
        await replies;
        return generation;
    }
}
