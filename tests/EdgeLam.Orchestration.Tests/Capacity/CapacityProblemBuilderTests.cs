using System.Text.Json;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;
using EdgeLam.Orchestration.Tests.Planning;

namespace EdgeLam.Orchestration.Tests.Capacity;

public class CapacityProblemBuilderTests
{
    private static readonly CostTable Costs = Problems.Uniform(4);

    private static NodeCapacity Node(string id, bool gateway = false, double? decode = 1, long? memory = 1000, params LinkMeasurement[] links) => new()
    {
        Id = id,
        Gateway = gateway,
        DecodeMsPerUnit = decode,
        PrefillMsPerPositionPerUnit = decode / 4,
        MemoryAvailableBytes = memory,
        Links = links,
    };

    [Fact]
    public void Build_MeasuredNodes_PlannerNodesCarryTheirFigures()
    {
        var problem = CapacityProblemBuilder.Build(
            [Node("peer", decode: 0.5, memory: 300) with { HostedWeightBytes = 200 }, Node("gw", gateway: true, decode: 2)],
            Costs,
            null,
            null,
            out var problems,
            out var leftOut);

        Assert.Empty(problems);
        Assert.Empty(leftOut);
        Assert.Equal(["gw", "peer"], problem!.Nodes.Select(n => n.Id));
        var gw = problem.Nodes[0];
        Assert.True(gw.IsGateway);
        Assert.Equal(2, gw.DecodeMsPerUnit);
        Assert.Equal(0.5, gw.PrefillMsPerPositionPerUnit);
        var peer = problem.Nodes[1];
        Assert.True(peer.EligibleAsPeer);
        Assert.Equal(0.125, peer.PrefillMsPerPositionPerUnit);
        Assert.Equal(500, peer.MemoryAvailableBytes); // 300 free now + 200 of weights it would release
    }

    [Fact]
    public void Build_LinkMeasuredOneWay_UsedBothWays_MeasuredDirectionWins()
    {
        var problem = CapacityProblemBuilder.Build(
            [
                Node("gw", gateway: true, links: [new LinkMeasurement("a", 3, 5_000), new LinkMeasurement("b", 4, 6_000)]),
                Node("a", links: [new LinkMeasurement("gw", 9, 1_000)]),
                Node("b"),
            ],
            Costs,
            null,
            null,
            out var problems,
            out _);

        Assert.Empty(problems);
        var links = problem!.Links.ToDictionary(l => (l.From, l.To));
        Assert.Equal(new NodeLink("gw", "a", 3, 5_000), links[("gw", "a")]);
        Assert.Equal(new NodeLink("a", "gw", 9, 1_000), links[("a", "gw")]);
        Assert.Equal(new NodeLink("b", "gw", 4, 6_000), links[("b", "gw")]);
        Assert.False(links.ContainsKey(("a", "b")));
        Assert.False(links.ContainsKey(("b", "a")));
    }

    [Fact]
    public void Build_OfflineUnmeasuredOrMemorylessNodes_LeftOutWithTheReason()
    {
        var problem = CapacityProblemBuilder.Build(
            [
                Node("gw", gateway: true, links: [new LinkMeasurement("off", 1, 1)]),
                Node("off") with { Online = false },
                Node("fresh", decode: null),
                Node("blind", memory: null),
            ],
            Costs,
            null,
            null,
            out var problems,
            out var leftOut);

        Assert.Empty(problems);
        Assert.Equal(["gw"], problem!.Nodes.Select(n => n.Id));
        Assert.Empty(problem.Links);
        Assert.Equal(
            ["blind: no memory figure", "fresh: no decode compute figure yet", "off: offline"],
            leftOut.Select(l => l.ToString()));
    }

    [Fact]
    public void Build_NoGatewayOnline_ProblemNamesIt()
    {
        var problem = CapacityProblemBuilder.Build(
            [Node("gw", gateway: true) with { Online = false }, Node("a")], Costs, null, null, out var problems, out _);

        Assert.Null(problem);
        Assert.Contains(problems, p => p.Key == "nodes" && p.Message.Contains("gateway", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ConstraintsAndObjective_PassedThrough()
    {
        var problem = CapacityProblemBuilder.Build(
            [Node("gw", gateway: true)],
            Costs,
            new ScenarioConstraints { PrivacyFloor = 2, Codecs = ["fp16"] },
            new ScenarioObjective { PrefillWeight = 0.5, PromptLength = 32 },
            out _,
            out _);

        Assert.Equal(2, problem!.Constraints.PrivacyFloor);
        Assert.Equal([Wire.Codecs.WireCodec.Float16], problem.Constraints.AllowedCodecs);
        Assert.Equal(32, problem.Objective.PromptLength);
    }

    [Fact]
    public void Scenario_WrittenAsJsonAndReadBack_SamePlanAsTheSnapshot()
    {
        NodeCapacity[] snapshot =
        [
            Node("gw", gateway: true, decode: 10, links: [new LinkMeasurement("a", 2, 64_000)]),
            Node("a", decode: 1),
        ];
        var scenario = CapacityProblemBuilder.Scenario(snapshot, new ScenarioConstraints { PrivacyFloor = 1, Codecs = ["raw"] }, null, out _);
        var json = JsonSerializer.Serialize(scenario, ScenarioJsonContext.Default.SiteScenario);

        var fromFile = ScenarioProblemBuilder.Build(JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.SiteScenario)!, Costs, out _);
        var fromSnapshot = CapacityProblemBuilder.Build(snapshot, Costs, new ScenarioConstraints { PrivacyFloor = 1, Codecs = ["raw"] }, null, out _, out _);

        // The hand-worked two-node instance (Problems.TwoNodes): the gateway keeps block 0, the fast peer runs 1..4.
        var plan = SplitPlanner.Plan(fromSnapshot!).Best!;
        Assert.Equal(1, plan.GatewayEnd);
        Assert.Equal(plan.ToString(), SplitPlanner.Plan(fromFile!).Best!.ToString());
        Assert.Equal(plan.Cost, SplitPlanner.Plan(fromFile!).Best!.Cost);
    }
}
