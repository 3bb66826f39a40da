using System.Security.Cryptography;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Gateway.Tests.Cli;

/// <summary><c>edgelam plan show</c> against a real mosquitto holding retained status, capacity and plan messages of a site.</summary>
public sealed class PlanShowCommandTests
{
    private static string Phi3 => Path.Combine(TestPaths.SharedModels, "phi3-torchscript", "model.onnx");

    private static string Phi3Id { get; } = ModelId.FromHash(SHA256.HashData(File.ReadAllBytes(Phi3))).ToString();

    [Fact]
    public async Task Show_SlowGatewayFastPeerRetained_PrintsInputsCurrentPlanAndTheBestSplit()
    {
        using var broker = new MosquittoBroker();
        var site = "s" + Guid.NewGuid().ToString("N")[..8];
        await PublishRetainedAsync(broker.Port, site, gatewayMemory: 1_000_000_000, plan: true);

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "show", "--site", site, "--model", Phi3, "--broker", $"127.0.0.1:{broker.Port}", "--wait", "1", "--privacy-floor", "1"]);

        // Gateway 1 MFLOP/s, peer 1 TFLOP/s, 1 ms and 1 GB/s between them: the gateway keeps only the floor.
        Assert.True(result.ExitCode == 0, result.ToString());
        var output = result.StandardOutput;
        Assert.Contains("current plan: epoch 3 by gw (committed): gw[0,2) -raw-> peer[2,3)+head", output, StringComparison.Ordinal);
        Assert.Contains("  gw (gateway, online): memory ", output, StringComparison.Ordinal);
        Assert.Contains("decode 1E-9 ms/unit (measured, 40 steps)", output, StringComparison.Ordinal);
        Assert.Contains("  gw -> peer: round trip 1 ms, 1000 MB/s", output, StringComparison.Ordinal);
        Assert.Contains("left out: old: offline", output, StringComparison.Ordinal);
        Assert.Contains("best: gw[0,1) -", output, StringComparison.Ordinal);
        Assert.Contains("-> peer[1,3)+head", output, StringComparison.Ordinal);
        Assert.Contains("alternatives (best plan of each other node set):", output, StringComparison.Ordinal);
        Assert.Contains("  gw[0,3)+head  decode step ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ScenarioOut_SimulateOnTheWrittenFilePicksTheSamePlan()
    {
        using var broker = new MosquittoBroker();
        using var dir = new TempDirectory();
        var site = "s" + Guid.NewGuid().ToString("N")[..8];
        var file = dir.Combine("live.json");
        await PublishRetainedAsync(broker.Port, site, gatewayMemory: 1_000_000_000, plan: false);

        var show = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "show", "--site", site, "--model", Phi3, "--broker", $"127.0.0.1:{broker.Port}", "--wait", "1", "--privacy-floor", "1", "--scenario-out", file]);
        var simulate = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "simulate", "--model", Phi3, "--nodes", file]);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        var best = show.StandardOutput[show.StandardOutput.IndexOf("best: ", StringComparison.Ordinal)..];
        Assert.Equal(best, simulate.StandardOutput);
    }

    [Fact]
    public async Task Show_GatewayCannotHoldTheFloor_ExitsOneNamingTheConstraint()
    {
        using var broker = new MosquittoBroker();
        var site = "s" + Guid.NewGuid().ToString("N")[..8];
        await PublishRetainedAsync(broker.Port, site, gatewayMemory: 1, plan: false);

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "show", "--site", site, "--model", Phi3, "--broker", $"127.0.0.1:{broker.Port}", "--wait", "1", "--privacy-floor", "1"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("current plan: none published", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no plan: PrivacyFloor: ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_NoBroker_ExitsTwo()
    {
        var port = MosquittoBroker.FreeTcpPort();

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "show", "--site", "x", "--model", Phi3, "--broker", $"127.0.0.1:{port}", "--wait", "1"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"no broker at 127.0.0.1:{port}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_EmptySite_ExitsTwoNoGateway()
    {
        using var broker = new MosquittoBroker();

        var result = EdgeLamProcess.Run(EdgeLamProcess.JitBinary, ["plan", "show", "--site", "empty", "--model", Phi3, "--broker", $"127.0.0.1:{broker.Port}", "--wait", "1"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("cannot plan: nodes: ", result.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task PublishRetainedAsync(int port, string site, long gatewayMemory, bool plan)
    {
        var topics = new TopicScheme(site);
        await using var client = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = port, ClientId = "retain-" + site, CleanStart = true });
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        async Task Publish(string topic, byte[] payload) => await client.PublishAsync(new MqttApplicationMessage(topic, payload, Retain: true));

        await Publish(topics.NodeStatus("gw"), ControlMessageCodec.Encode(new NodeStatusMessage { Node = "gw", State = NodeState.Online, Roles = ["gateway"] }));
        await Publish(topics.NodeStatus("peer"), ControlMessageCodec.Encode(new NodeStatusMessage { Node = "peer", State = NodeState.Online, Roles = ["peer"] }));
        await Publish(topics.NodeStatus("old"), ControlMessageCodec.Encode(new NodeStatusMessage { Node = "old", State = NodeState.Offline }));
        await Publish(topics.NodeCapacity("gw"), ControlMessageCodec.Encode(Capacity("gw", "gateway", 0, 2, msPerUnit: 1e-3, gatewayMemory, "peer")));
        await Publish(topics.NodeCapacity("peer"), ControlMessageCodec.Encode(Capacity("peer", "peer", 2, 3, msPerUnit: 1e-9, 1_000_000_000, "gw")));
        await Publish(topics.NodeCapacity("old"), ControlMessageCodec.Encode(Capacity("old", "peer", 2, 3, msPerUnit: 1e-9, 1_000_000_000, "gw")));
        if (plan)
        {
            await Publish(topics.Plan, ControlMessageCodec.Encode(new AgreedPlan(
                new PlanEpoch(3, "gw", 1),
                Phi3Id,
                [new PlanAssignment("gw", 0, 2, true, false, "raw", 1), new PlanAssignment("peer", 2, 3, false, true, null, 1)],
                [],
                0,
                PlanPhase.Commit)));
        }

        await client.FlushAsync().WaitAsync(TimeSpan.FromSeconds(15));
    }

    private static NodeCapacityMessage Capacity(string node, string role, int first, int end, double msPerUnit, long memory, string linkedTo) => new()
    {
        Node = node,
        Roles = [role],
        MemoryBytes = memory,
        Models =
        [
            new HostedSegments
            {
                ModelId = Phi3Id,
                FirstLayer = first,
                EndLayer = end,
                MaxSessions = 4,
                DecodeMsPerUnit = msPerUnit,
                DecodeSource = ComputeSource.Measured,
                DecodeSteps = 40,
                PrefillMsPerPositionPerUnit = msPerUnit,
                PrefillSource = ComputeSource.Measured,
                WeightBytes = 0,
            },
        ],
        Links = [new LinkCapacity { To = linkedTo, RoundTripMs = 1, BytesPerSecond = 1e9, Answered = 10 }],
    };
}
