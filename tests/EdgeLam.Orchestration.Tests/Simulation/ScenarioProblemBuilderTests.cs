using System.Text.Json;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;
using EdgeLam.Orchestration.Tests.Planning;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Tests.Simulation;

public class ScenarioProblemBuilderTests
{
    private static readonly CostTable Costs = Problems.Uniform(4);

    [Fact]
    public void Build_GflopsRates_BecomeMillisecondsPerUnit()
    {
        // 2 GFLOP/s = 2·10⁶ units per ms → 5·10⁻⁷ ms per unit; prefill defaults to the decode rate when not given.
        var problem = Build("""{ "nodes": [ { "id": "gw", "gateway": true, "decodeGflops": 2, "memoryBytes": 1000 } ] }""", out var problems);

        Assert.Empty(problems);
        var gw = Assert.Single(problem!.Nodes);
        Assert.Equal(5e-7, gw.DecodeMsPerUnit, 15);
        Assert.Equal(5e-7, gw.PrefillMsPerPositionPerUnit, 15);
        Assert.True(gw.IsGateway);
        Assert.False(gw.EligibleAsPeer);
    }

    [Fact]
    public void Build_DefaultLinkAndOneListedLink_EveryPairLinkedListedOneWins()
    {
        var problem = Build("""
            {
              "nodes": [
                { "id": "gw", "gateway": true, "decodeMsPerUnit": 10, "memoryBytes": 1000 },
                { "id": "a", "decodeMsPerUnit": 1, "memoryBytes": 1000 },
                { "id": "b", "decodeMsPerUnit": 1, "memoryBytes": 1000, "peer": false }
              ],
              "defaultLink": { "roundTripMs": 2, "bytesPerSecond": 1000 },
              "links": [ { "from": "gw", "to": "a", "roundTripMs": 9, "bytesPerSecond": 50 } ]
            }
            """, out var problems);

        Assert.Empty(problems);
        Assert.Equal(6, problem!.Links.Count);
        Assert.Equal(new NodeLink("gw", "a", 9, 50), Assert.Single(problem.Links, l => l is { From: "gw", To: "a" }));
        Assert.Equal(new NodeLink("a", "gw", 2, 1000), Assert.Single(problem.Links, l => l is { From: "a", To: "gw" }));
        Assert.False(problem.Nodes.Single(n => n.Id == "b").EligibleAsPeer);
        Assert.True(problem.Nodes.Single(n => n.Id == "a").EligibleAsPeer);
    }

    [Fact]
    public void Build_ConstraintsAndObjective_ReachTheProblem()
    {
        var problem = Build("""
            {
              "nodes": [ { "id": "gw", "gateway": true, "decodeMsPerUnit": 1, "memoryBytes": 1000 } ],
              "constraints": { "privacyFloor": 2, "contextLimit": 64, "sessionsPerGateway": 3, "codecs": ["fp16", "int8"], "decodeStepTargetMs": 40 },
              "objective": { "prefillWeight": 0.5, "promptLength": 32 },
              "codecMsPerByte": { "int8": 0.001 },
              "alternatives": 2
            }
            """, out var problems);

        Assert.Empty(problems);
        var c = problem!.Constraints;
        Assert.Equal((2, 64, 3, 40.0), (c.PrivacyFloor, c.ContextLimit, c.SessionsPerGateway, c.DecodeStepTargetMs!.Value));
        Assert.Equal([WireCodec.Float16, WireCodec.Int8Block32], c.AllowedCodecs);
        Assert.Equal((0.5, 32), (problem.Objective.PrefillWeight, problem.Objective.PromptLength));
        Assert.Equal(0.001, problem.CodecMsPerByte[WireCodec.Int8Block32]);
        Assert.Equal(2, problem.AlternativeCount);
    }

    [Fact]
    public void Build_EveryMistake_NamedByItsKey()
    {
        var problem = Build("""
            {
              "nodes": [
                { "id": "gw", "gateway": true, "decodeMsPerUnit": 1, "decodeGflops": 3, "memoryBytes": 1000 },
                { "id": "gw", "decodeMsPerUnit": -1, "memoryBytes": 0 },
                { "id": "c", "memoryBytes": 5, "loadFactor": 0 }
              ],
              "links": [ { "from": "gw", "to": "nowhere", "roundTripMs": 1, "bytesPerSecond": 0 } ],
              "constraints": { "privacyFloor": -1, "codecs": ["zip"] },
              "codecMsPerByte": { "raw": -2 }
            }
            """, out var problems);

        Assert.Null(problem);
        Assert.Equal(
            [
                "codecMsPerByte.raw", "constraints.codecs", "constraints.privacyFloor", "links[0].bytesPerSecond", "links[0].to",
                "nodes[0].decodeMsPerUnit", "nodes[1].decodeMsPerUnit", "nodes[1].id", "nodes[1].memoryBytes",
                "nodes[2].decodeMsPerUnit", "nodes[2].loadFactor",
            ],
            problems.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Contains(problems, p => p.Key == "links[0].to" && p.Message.Contains("'nowhere'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Key == "nodes[1].id" && p.Message.Contains("'gw'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_NoGateway_SaysSo()
    {
        Assert.Null(Build("""{ "nodes": [ { "id": "a", "decodeMsPerUnit": 1, "memoryBytes": 10 } ] }""", out var problems));

        var problem = Assert.Single(problems);
        Assert.Equal("nodes", problem.Key);
        Assert.Contains("gateway", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_UnknownMember_IsAnError()
    {
        Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize("""{ "nodez": [] }""", ScenarioJsonContext.Default.SiteScenario));
    }

    [Fact]
    public void Build_WorkedTwoNodeSite_PlansTheHandWorkedOptimum()
    {
        // Problems.TwoNodes written as a scenario file: the hand-worked optimum of SplitPlannerExampleTests (16 ms).
        var problem = Build("""
            {
              "nodes": [
                { "id": "gw", "gateway": true, "decodeMsPerUnit": 10, "memoryBytes": 1000 },
                { "id": "peer", "decodeMsPerUnit": 1, "memoryBytes": 1000 }
              ],
              "defaultLink": { "roundTripMs": 2, "bytesPerSecond": 64000 },
              "constraints": { "privacyFloor": 1, "codecs": ["raw"] }
            }
            """, out _);

        var result = SplitPlanner.Plan(problem!);

        Assert.Equal("gw[0,1) -raw-> peer[1,4)+head", result.Best!.ToString());
        Assert.Equal(16, result.Best.DecodeStepMs, 9);
        Assert.StartsWith("best: gw[0,1) -raw-> peer[1,4)+head\n  gw: decode step 16 ms, prefill ", PlanReport.Format(result).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static PlanningProblem? Build(string json, out IReadOnlyList<ScenarioProblem> problems) =>
        ScenarioProblemBuilder.Build(JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.SiteScenario)!, Costs, out problems);
}
