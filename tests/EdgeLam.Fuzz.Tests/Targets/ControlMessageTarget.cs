using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// The control messages (status, capacity, plan, session claim, link probe) as a node reads them from the broker: every
/// decoder either returns a message whose required members are present or throws <see cref="ControlMessageException"/>.
/// </summary>
public sealed class ControlMessageTarget : FuzzTarget
{
    public override string Name => "control-json";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        ControlMessageCodec.Encode(new NodeStatusMessage { Node = "peer-a", State = NodeState.Online, Version = "1.0", Roles = ["peer"], PlanEpoch = 4, StartedAt = DateTimeOffset.UnixEpoch, Timestamp = DateTimeOffset.UnixEpoch }),
        ControlMessageCodec.Encode(new NodeCapacityMessage
        {
            Node = "peer-a",
            CpuCount = 4,
            MemoryBytes = 1L << 30,
            Models =
            [
                new HostedSegments
                {
                    ModelId = "m", FirstLayer = 2, EndLayer = 4, MaxSessions = 8, ActiveSessions = 1, DecodeMsPerLayer = 0.4, DecodeSteps = 100,
                    DecodeMsPerUnit = 1e-6, DecodeSource = ComputeSource.Measured, PrefillSource = ComputeSource.Benchmark,
                    Layers = [new LayerCost { Layer = 2, WeightBytes = 100, KvBytesPerPosition = 8, ComputeUnits = 50 }],
                },
            ],
            Roles = ["peer"],
            Links = [new LinkCapacity { To = "gw", RoundTripMs = 1.5, BytesPerSecond = 1e6, Answered = 2 }],
        }),
        ControlMessageCodec.Encode(new AgreedPlan(
            new PlanEpoch(3, "gw", 9),
            "m",
            [new PlanAssignment("gw", 0, 2, true, false, "fp16", 100), new PlanAssignment("peer-a", 2, 4, false, true, null, 100)],
            [new PlanningNode("gw", true, false, 0.5, 0.1, 1000)],
            0,
            PlanPhase.Commit,
            ["peer-b"])),
        ControlMessageCodec.Encode(new PlanAck("peer-a", new PlanEpoch(3, "gw", 9), false, new PlanEpoch(2, "gw", 9), PlanRefusalReason.InsufficientMemory, "needs 2 B", 1)),
        ControlMessageCodec.Encode(new SessionClaimMessage { Session = "s1", ModelId = "m", Boundary = 2, Node = "peer-a", Epoch = 3 }),
        ControlMessageCodec.Encode(new ProbeMessage { From = "gw", Kind = ProbeKind.Request, Sequence = 7, SentUs = 99, Padding = "0000" }),
    ];

    public override FuzzOutcome Run(byte[] input)
    {
        var accepted = 0;
        accepted += Decode(() => Check(ControlMessageCodec.DecodeStatus(input)));
        accepted += Decode(() => Check(ControlMessageCodec.DecodeCapacity(input)));
        accepted += Decode(() => Check(ControlMessageCodec.DecodePlan(input)));
        accepted += Decode(() => Check(ControlMessageCodec.DecodePlanAck(input)));
        accepted += Decode(() => Check(ControlMessageCodec.DecodeClaim(input)));
        accepted += Decode(() => Check(ControlMessageCodec.DecodeProbe(input)));
        return accepted > 0 ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    private static int Decode(Action decode)
    {
        try
        {
            decode();
            return 1;
        }
        catch (ControlMessageException)
        {
            return 0;
        }
    }

    private static void Check(NodeStatusMessage m) => Require(m.Node is not null && (m.Roles is null || m.Roles.All(r => r is not null)), "status");

    private static void Check(NodeCapacityMessage m) =>
        Require(m.Node is not null && m.Models is not null && m.Models.All(s => s?.ModelId is not null && (s.Layers is null || s.Layers.All(l => l is not null))) && (m.Links is null || m.Links.All(l => l?.To is not null)), "capacity");

    private static void Check(ProbeMessage m) => Require(m.From is not null, "probe");

    private static void Check(AgreedPlan m) => Require(m.Model is not null && m.Epoch.Orchestrator is not null && m.Assignments is not null && m.Assignments.All(a => a?.Node is not null) && m.Capacities is not null && m.Capacities.All(c => c?.Id is not null) && (m.Lost is null || m.Lost.All(n => n is not null)), "plan");

    private static void Check(PlanAck m) => Require(m.Node is not null && m.Epoch.Orchestrator is not null && m.Held.Orchestrator is not null, "plan-ack");

    private static void Check(SessionClaimMessage m) => Require(m.Session is not null && m.ModelId is not null && m.Node is not null, "claim");

    private static void Require(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"a decoded {what} message has a required member that is null");
        }
    }
}
