using System.Text;
using System.Text.Json;
using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// A what-if site file of <c>edgelam plan simulate</c>: refused as JSON, or listed problems, or a problem the planner
/// answers (a plan or a named infeasibility) without throwing.
/// </summary>
public sealed class SiteScenarioTarget : FuzzTarget
{
    // 4 blocks of 100 bytes and 10⁶ units; every boundary cuttable.
    private static readonly CostTable Costs = new(
        Enumerable.Repeat(new BlockCost(100, 8, 1e6), 4).ToList(),
        new EndCost(50, 1e5),
        new EndCost(50, 1e5),
        Enumerable.Repeat<CutCost?>(new CutCost(64, 32, 32, 18), 5).ToList(),
        ResultBytes: 4);

    public override string Name => "site-scenario";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Encoding.UTF8.GetBytes("""
            { "nodes": [ { "id": "gw", "gateway": true, "decodeGflops": 1, "memoryBytes": 300 },
                         { "id": "a", "decodeMsPerUnit": 0.000001, "prefillGflops": 4, "memoryBytes": 1000, "loadFactor": 1.5, "stepOverheadMs": 0.2 },
                         { "id": "b", "decodeGflops": 3, "memoryBytes": 500, "peer": true } ],
              "defaultLink": { "roundTripMs": 2, "bytesPerSecond": 100000 },
              "links": [ { "from": "gw", "to": "a", "roundTripMs": 1, "bytesPerSecond": 50000 } ],
              "constraints": { "privacyFloor": 1, "contextLimit": 16, "sessionsPerGateway": 2, "codecs": ["raw", "int8"], "decodeStepTargetMs": 50 },
              "objective": { "prefillWeight": 0.2, "promptLength": 8 }, "codecMsPerByte": { "fp16": 0.0001 }, "alternatives": 2 }
            """),
    ];

    public override FuzzOutcome Run(byte[] input)
    {
        SiteScenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize(input, ScenarioJsonContext.Default.SiteScenario);
        }
        catch (JsonException)
        {
            return FuzzOutcome.Rejected;
        }

        if (scenario is null || ScenarioProblemBuilder.Build(scenario, Costs, out _) is not { } problem)
        {
            return FuzzOutcome.Rejected;
        }

        var result = SplitPlanner.Plan(problem);
        return result.Best is not null || result.Infeasibility is not null
            ? FuzzOutcome.Accepted
            : throw new InvalidOperationException("the planner returned neither a plan nor a reason");
    }
}
