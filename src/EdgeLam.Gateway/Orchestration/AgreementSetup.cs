using EdgeLam.Gateway.Cli;
using EdgeLam.Gateway.Hosting;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Gateway.Orchestration;

/// <summary>
/// What the agreement needs to know about this node and its model: ids, the model's cost table, the node's own limits
/// (checked against every plan), and the mappings between the broker's messages and the agreement's inputs.
/// </summary>
/// <param name="Site">The site (topic prefix).</param>
/// <param name="Node">This node's id.</param>
/// <param name="Model">The model id plans are for.</param>
/// <param name="Costs">The model's cost table (the planner's).</param>
/// <param name="Limits">This node's own limits.</param>
/// <param name="Incarnation">Random per start: part of every epoch this node proposes.</param>
internal sealed record AgreementSetup(string Site, string Node, string Model, CostTable Costs, NodeLimits Limits, ulong Incarnation)
{
    /// <summary>The setup of the node <c>edgelam run</c> hosts (reads the split model's manifest).</summary>
    /// <exception cref="EdgeLam.Onnx.Model.ModelFormatException">The manifest has no cost table.</exception>
    public static AgreementSetup Create(NodeSettings node, OrchestrationOptions options)
    {
        var stage = node.Stage ?? throw new InvalidOperationException("No model is configured (Model:Path).");
        var costs = CostTables.FromModel(PlanCommands.ReadCosts(stage.ModelDirectory));
        var model = SplitModelIdentity.Read(stage.ModelDirectory).ToString();
        var memory = MemoryInfo.AvailableBytes() ?? long.MaxValue;
        var limits = new NodeLimits(stage.Node, model, memory, IsGateway: node.Role == "gateway", options.PrivacyFloor);
        return new AgreementSetup(stage.Site, stage.Node, model, costs, limits, (ulong)Random.Shared.NextInt64());
    }

    /// <summary>A node's status as the agreement sees it: online, eligible, gateway.</summary>
    public static NodeStatus StatusOf(NodeStatusMessage status) =>
        new(status.Node, status.State == NodeState.Online, status.Eligible == true, status.Roles?.Contains("gateway") == true);

    /// <summary>A node's capacity for this model (the same mapping as <c>edgelam plan show</c>).</summary>
    public NodeCapacity CapacityOf(NodeCapacityMessage capacity, NodeStatusMessage? status) =>
        new SiteSnapshot
        {
            Statuses = status is null ? new Dictionary<string, NodeStatusMessage>() : new Dictionary<string, NodeStatusMessage> { [capacity.Node] = status },
            CapacityMessages = new Dictionary<string, NodeCapacityMessage> { [capacity.Node] = capacity },
        }.Capacities(Model)[0];

    /// <summary>
    /// This node's part of <paramref name="plan"/> as its role runs it: its stage, the codec of its cut, and the chain of
    /// the epoch (every peer stage's first block and node), and on a gateway the planner's prediction for it (so a
    /// conversation on an older layout moves when that is cheaper). Null when the node has no stage or the epoch number does
    /// not fit a frame's 32 bits.
    /// </summary>
    public static NodeLayout? LayoutOf(AgreedPlan plan, string node)
    {
        var stage = plan.StagesOf(node).FirstOrDefault();
        if (stage is null || plan.Epoch.Number is < 1 or > uint.MaxValue)
        {
            return null;
        }

        var codec = stage.CodecToNext is { } name && WireCodecNames.TryParse(name, out var parsed) ? parsed : WireCodec.Raw;
        var chain = plan.Assignments.Where(a => !a.Embedding).Select(a => new LayoutHop(a.FirstBlock, a.Node)).ToList();
        var predicted = plan.Predicted?.FirstOrDefault(p => p.Gateway == node) is { } p
            ? new LayoutCost(p.DecodeStepMs, p.PrefillMsPerPosition, p.PrefillFixedMs)
            : (LayoutCost?)null;
        return new NodeLayout((uint)plan.Epoch.Number, stage.FirstBlock, stage.EndBlock, codec, chain) { Predicted = predicted };
    }
}
