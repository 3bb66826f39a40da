using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Tests.Planning;

namespace EdgeLam.Orchestration.Tests.Agreement;

/// <summary>
/// A site fed to one <see cref="SplitOrchestrator"/>: a slow gateway and two peers on 8 uniform blocks, every link
/// 2 ms round trip at 64 kB/s, plenty of memory. Time is whole milliseconds of a test clock.
/// </summary>
internal sealed class OrchestratorSite
{
    public static readonly OrchestrationOptions Defaults = new();

    public OrchestratorSite(OrchestrationOptions? options = null, params (string Id, double DecodeMs)[] peers)
    {
        Options = options ?? Defaults;
        Orchestrator = new SplitOrchestrator("gw", 1, "m", Problems.Uniform(8), Options);
        Node("gw", 10, gateway: true);
        foreach (var (id, ms) in peers.Length > 0 ? peers : [("a", 1.0), ("b", 8.0)])
        {
            Node(id, ms);
        }

        Orchestrator.Activate(TimeSpan.Zero);
    }

    public OrchestrationOptions Options { get; }

    public SplitOrchestrator Orchestrator { get; }

    public List<string> Ids { get; } = [];

    /// <summary>Adds (or updates) a node: status online, capacity with links to every other node.</summary>
    public void Node(string id, double decodeMs, bool gateway = false, long memory = 1_000_000)
    {
        if (!Ids.Contains(id))
        {
            Ids.Add(id);
        }

        Orchestrator.Status(new NodeStatus(id, Online: true, Eligible: gateway, gateway));
        Orchestrator.Capacity(new NodeCapacity
        {
            Id = id,
            Gateway = gateway,
            DecodeMsPerUnit = decodeMs,
            PrefillMsPerPositionPerUnit = decodeMs,
            MemoryAvailableBytes = memory,
            Links = [.. Ids.Where(o => o != id).Select(o => new LinkMeasurement(o, 2, 64_000))],
        });
    }

    public void Offline(string id) => Orchestrator.Status(new NodeStatus(id, Online: false, Eligible: false));

    public IReadOnlyList<OrchestratorDecision> At(double seconds) => Orchestrator.Decide(TimeSpan.FromSeconds(seconds));

    /// <summary>Every node of <paramref name="plan"/> acknowledges it prepared.</summary>
    public void AckAll(AgreedPlan plan)
    {
        foreach (var node in plan.NodeIds())
        {
            Orchestrator.Ack(new PlanAck(node, plan.Epoch, Accepted: true, plan.Epoch));
        }
    }

    /// <summary>Proposes at 1 s (after the settle), acknowledges and commits the first plan; returns it.</summary>
    public AgreedPlan CommitFirst()
    {
        var proposal = Assert.IsType<ProposePlan>(Assert.Single(At(1)));
        AckAll(proposal.Plan);
        return Assert.IsType<CommitPlan>(Assert.Single(At(1.1))).Plan;
    }

    public static int Blocks(AgreedPlan plan, string node) => plan.StagesOf(node).Sum(s => s.EndBlock - s.FirstBlock);
}
