using System.Text;
using System.Text.Json;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Tests.Topics;

public sealed class ControlMessageCodecTests
{
    [Fact]
    public void DecodeStatus_DocumentedExample_ReadsEveryField()
    {
        // The example from docs/protocol.md, "Topics".
        const string json = """
            {"node":"gw1","state":"online","version":"0.1.0","roles":["gateway"],"planEpoch":3,
             "startedAt":"2026-11-22T10:00:00+00:00","timestamp":"2026-11-22T10:00:05+00:00"}
            """;
        var status = ControlMessageCodec.DecodeStatus(Encoding.UTF8.GetBytes(json));
        Assert.Equal("gw1", status.Node);
        Assert.Equal(NodeState.Online, status.State);
        Assert.Equal(["gateway"], status.Roles!);
        Assert.Equal(3, status.PlanEpoch);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 0, 5, TimeSpan.Zero), status.Timestamp);
    }

    [Fact]
    public void EncodeStatus_OfflineWill_CamelCaseAndNullsOmitted()
    {
        var bytes = ControlMessageCodec.Encode(new NodeStatusMessage { Node = "p1", State = NodeState.Offline });
        using var doc = JsonDocument.Parse(bytes);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["node", "state"], names);
        Assert.Equal("offline", doc.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public void Plan_RoundTrip_PreservesEpochPhaseAssignmentsAndLost()
    {
        var plan = new AgreedPlan(
            new PlanEpoch(7, "gw1", 0xFEEDUL),
            "tiny-llama-fp16",
            [new PlanAssignment("gw1", 0, 11, true, false, "fp16", 100), new PlanAssignment("p1", 11, 22, false, true, null, 200)],
            [new PlanningNode("gw1", true, false, 0.5, 0.1, 1000)],
            42,
            PlanPhase.Commit,
            ["p2"]);

        var back = ControlMessageCodec.DecodePlan(ControlMessageCodec.Encode(plan));

        Assert.Equal(plan.Epoch, back.Epoch);
        Assert.Equal(PlanPhase.Commit, back.Phase);
        Assert.Equal(plan.Assignments, back.Assignments);
        Assert.Equal(plan.Capacities, back.Capacities);
        Assert.Equal(["p2"], back.Lost);
    }

    [Fact]
    public void PlanAck_RoundTrip_KeepsRefusalAndLimit()
    {
        var ack = new PlanAck("p1", new PlanEpoch(3, "gw1", 1), false, new PlanEpoch(2, "gw1", 1), PlanRefusalReason.InsufficientMemory, "needs 9 B", 5);

        Assert.Equal(ack, ControlMessageCodec.DecodePlanAck(ControlMessageCodec.Encode(ack)));
    }

    [Theory]
    [InlineData("""{"epoch":{"number":1,"orchestrator":"g","incarnation":1},"model":"m","assignments":[null],"capacities":[],"issuedAtMs":0}""")]
    [InlineData("""{"epoch":{"number":1,"orchestrator":"g","incarnation":1},"model":"m","assignments":[],"capacities":[null],"issuedAtMs":0}""")]
    [InlineData("""{"epoch":{"number":1,"orchestrator":null,"incarnation":1},"model":"m","assignments":[],"capacities":[],"issuedAtMs":0}""")]
    [InlineData("""{"epoch":{"number":1,"orchestrator":"g","incarnation":1},"model":"m","assignments":[],"capacities":[],"issuedAtMs":0,"phase":"later"}""")]
    public void DecodePlan_NullEntryOrUnknownPhase_ThrowsControlMessageException(string json)
    {
        Assert.Throws<ControlMessageException>(() => ControlMessageCodec.DecodePlan(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Capacity_DocumentedExample_Decodes()
    {
        const string json = """
            {"node":"p1","models":[{"modelId":"tiny-llama-fp16","firstLayer":11,"endLayer":22,"maxSessions":4,"activeSessions":1}],
             "cpuCount":4,"memoryBytes":4294967296}
            """;
        var capacity = ControlMessageCodec.DecodeCapacity(Encoding.UTF8.GetBytes(json));
        Assert.Equal(22, capacity.Models[0].EndLayer);
        Assert.Equal(4294967296L, capacity.MemoryBytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"state\":\"online\"}")]
    [InlineData("{\"node\":\"n\",\"state\":\"exploded\"}")]
    [InlineData("{\"node\":\"n\",\"state\":\"online\"")]
    public void DecodeStatus_Malformed_ThrowsControlMessageException(string json)
    {
        Assert.Throws<ControlMessageException>(() => ControlMessageCodec.DecodeStatus(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void DecodeClaim_MissingEpoch_Throws()
    {
        var json = "{\"session\":\"s\",\"modelId\":\"m\",\"boundary\":4,\"node\":\"p1\"}"u8.ToArray();
        Assert.Throws<ControlMessageException>(() => ControlMessageCodec.DecodeClaim(json));
    }

    [Theory]
    [InlineData("{\"node\":\"p1\",\"models\":[null]}", "models[]")]
    [InlineData("{\"node\":\"p1\",\"models\":null}", "models")]
    public void DecodeCapacity_NullModelList_ThrowsNamingIt(string json, string member)
    {
        var error = Assert.Throws<ControlMessageException>(() => ControlMessageCodec.DecodeCapacity(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"epoch\":1,\"modelId\":\"m\",\"layers\":2,\"stages\":[null]}")]
    [InlineData("{\"epoch\":1,\"modelId\":\"m\",\"layers\":2,\"stages\":[{\"index\":0,\"firstLayer\":0,\"endLayer\":2,\"nodes\":[\"a\",null]}]}")]
    public void DecodePlan_NullStageOrNode_Throws(string json)
    {
        Assert.Throws<ControlMessageException>(() => ControlMessageCodec.DecodePlan(Encoding.UTF8.GetBytes(json)));
    }
}
