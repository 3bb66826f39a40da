using System.Text.Json;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Tests.Agreement;

public class AgreementJsonTests
{
    [Fact]
    public void AgreedPlan_RoundTrip_KeepsEpochAssignmentsAndCapacities()
    {
        var plan = new AgreedPlan(
            new PlanEpoch(3, "gw", 0xABCDEF0123456789),
            "m",
            [new PlanAssignment("gw", 0, 4, true, false, "fp16", 100), new PlanAssignment("p", 4, 8, false, true, null, 200)],
            [new PlanningNode("gw", true, false, 0.5, 0.1, 1000)],
            42);

        var json = JsonSerializer.Serialize(plan, AgreementJsonContext.Default.AgreedPlan);
        var back = JsonSerializer.Deserialize(json, AgreementJsonContext.Default.AgreedPlan)!;

        Assert.Equal(plan.Epoch, back.Epoch);
        Assert.Equal(plan.Assignments, back.Assignments);
        Assert.Equal(plan.Capacities, back.Capacities);
        Assert.Contains("\"orchestrator\":\"gw\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanAck_Refusal_WritesReasonAsName()
    {
        var ack = new PlanAck("p", new PlanEpoch(2, "a", 1), false, new PlanEpoch(3, "b", 1), PlanRefusalReason.InsufficientMemory, "needs 2 B");

        var json = JsonSerializer.Serialize(ack, AgreementJsonContext.Default.PlanAck);

        Assert.Contains("\"reason\":\"InsufficientMemory\"", json, StringComparison.Ordinal);
        Assert.Equal(ack, JsonSerializer.Deserialize(json, AgreementJsonContext.Default.PlanAck));
    }
}
