using EdgeLam.Gateway.Cli;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Transport.Topics;
using PipelineStage = EdgeLam.Orchestration.Planning.PlanStage;

namespace EdgeLam.Gateway.Tests.Cli;

public sealed class PlanShowReportTests
{
    private const string Model = "0123456789abcdef0123456789abcdef";

    private static NodeCapacityMessage Capacity(string node, string role, HostedSegments? hosted, params LinkCapacity[] links) => new()
    {
        Node = node,
        Roles = [role],
        Models = hosted is null ? [] : [hosted],
        MemoryBytes = 3 << 20,
        Links = links,
    };

    private static HostedSegments Hosted(string model, int first, int end, double msPerUnit, ComputeSource source = ComputeSource.Measured) => new()
    {
        ModelId = model,
        FirstLayer = first,
        EndLayer = end,
        MaxSessions = 4,
        ActiveSessions = 1,
        DecodeMsPerUnit = msPerUnit,
        DecodeSource = source,
        DecodeSteps = 12,
        PrefillMsPerPositionPerUnit = msPerUnit / 4,
        PrefillSource = ComputeSource.Benchmark,
        WeightBytes = 1 << 20,
        KvBytesPerPosition = 512,
    };

    private static readonly SiteSnapshot Site = new()
    {
        Statuses = new Dictionary<string, NodeStatusMessage>
        {
            ["gw"] = new() { Node = "gw", State = NodeState.Online, Roles = ["gateway"] },
            ["peer"] = new() { Node = "peer", State = NodeState.Online, Roles = ["peer"] },
            ["gone"] = new() { Node = "gone", State = NodeState.Offline },
        },
        CapacityMessages = new Dictionary<string, NodeCapacityMessage>
        {
            ["gw"] = Capacity("gw", "gateway", Hosted(Model, 0, 1, 2e-6), new LinkCapacity { To = "peer", RoundTripMs = 1.5, BytesPerSecond = 2e6, Answered = 8 }),
            ["peer"] = Capacity("peer", "peer", Hosted("another-model", 0, 2, 1e-6, ComputeSource.Benchmark), new LinkCapacity { To = "gw", RoundTripMs = 1.7 }),
            ["lonely"] = Capacity("lonely", "peer", null),
        },
    };

    [Fact]
    public void Capacities_StatusAndCapacity_OneNodeEach()
    {
        var nodes = Site.Capacities(Model).ToDictionary(n => n.Id);

        Assert.Equal(["gone", "gw", "lonely", "peer"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.False(nodes["gone"].Online);
        Assert.True(nodes["lonely"].Online); // capacity without status: assumed online
        Assert.True(nodes["gw"].Gateway);
        Assert.Equal(2e-6, nodes["gw"].DecodeMsPerUnit);
        Assert.Equal(5e-7, nodes["gw"].PrefillMsPerPositionPerUnit);
        Assert.Equal(1 << 20, nodes["gw"].HostedWeightBytes);
        Assert.Equal(3 << 20, nodes["gw"].MemoryAvailableBytes);
        Assert.Equal([new LinkMeasurement("peer", 1.5, 2e6)], nodes["gw"].Links);
    }

    [Fact]
    public void Capacities_NodeHostsAnotherModel_ItsRateButNoneOfItsWeights()
    {
        var peer = Site.Capacities(Model).Single(n => n.Id == "peer");

        Assert.Equal(1e-6, peer.DecodeMsPerUnit);
        Assert.Equal(0, peer.HostedWeightBytes);
        Assert.Empty(peer.Links); // its link to gw has no throughput yet
        Assert.Null(Site.Capacities(Model).Single(n => n.Id == "lonely").DecodeMsPerUnit);
    }

    [Fact]
    public void Format_NoPlanPublished_InputsLeftOutAndThePlannersAnswer()
    {
        var result = new PlanResult(
            new PipelinePlan([new PipelineStage("gw", 0, 1, true, false, Wire.Codecs.WireCodec.Raw)], [new PipelineStage("peer", 1, 2, false, true, null)], [new GatewayLatency("gw", 3.25, 9)], 3.25),
            [],
            null);

        var text = PlanShowReport.Format(Site, Model, [new LeftOutNode("gone", "offline")], [], result);

        Assert.Equal(
            [
                "model 0123456789ab",
                "current plan: none published",
                "nodes:",
                "  gone (?, offline): no capacity message",
                "  gw (gateway, online): memory 3 MiB available; hosts [0,1), weights 1 MiB, KV 512 B/position; decode 2E-6 ms/unit (measured, 12 steps), prefill 5E-7 ms/unit/position (benchmark, 0 positions); sessions 1/4",
                "  lonely (peer, no status): memory 3 MiB available, hosts none of this model",
                "  peer (peer, online): memory 3 MiB available, hosts none of this model",
                "links (measured by the sender):",
                "  gw -> peer: round trip 1.5 ms, 2 MB/s, 8 answered, 0 lost",
                "  peer -> gw: round trip 1.7 ms, ? MB/s, 0 answered, 0 lost",
                "left out: gone: offline",
                "best: gw[0,1) -raw-> peer[1,2)+head",
                "  gw: decode step 3.25 ms, prefill 9 ms",
                "  cost 3.25",
                "",
            ],
            text.Split(Environment.NewLine));
    }

    [Fact]
    public void Format_PlanPublishedAndNoProblem_PlanLineAndTheProblems()
    {
        var site = Site with
        {
            Plan = new AgreedPlan(
                new PlanEpoch(7, "gw", 1),
                Model,
                [new PlanAssignment("gw", 0, 1, true, false, "fp16", 10), new PlanAssignment("peer", 1, 2, false, true, null, 10)],
                [],
                0,
                PlanPhase.Commit),
        };

        var text = PlanShowReport.Format(site, Model, [], [new("nodes", "no node is a gateway")], null);

        Assert.Contains("current plan: epoch 7 by gw (committed): gw[0,1) -fp16-> peer[1,2)+head" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.EndsWith("cannot plan: nodes: no node is a gateway" + Environment.NewLine, text, StringComparison.Ordinal);
    }
}
