using EdgeLam.Inference.Chain;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Layouts;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// What a gateway runs for one plan epoch: its chain and compute, the epoch's <see cref="NodeLayout"/> (null for a
/// static gateway, whose frames go to the shared topics), how many conversations run on it, and whether a node of its
/// chain was planned out (<see cref="Lost"/>, which moves its conversations at once).
/// </summary>
internal sealed class GatewayLayout : IDisposable
{
    private readonly CancellationTokenSource _lost = new();

    /// <summary>Takes ownership of <paramref name="chain"/>.</summary>
    public GatewayLayout(uint epoch, NodeLayout? layout, SegmentChain chain, NodeRoleOptions options, Wire.Frames.ModelId modelId)
    {
        Epoch = epoch;
        Layout = layout;
        Chain = chain;
        Compute = new GatewayCompute(chain, options.Node, epoch, layout?.OutgoingCodec ?? options.Codec, modelId, layout is null ? default : _lost.Token);
    }

    public uint Epoch { get; }

    public NodeLayout? Layout { get; }

    public SegmentChain Chain { get; }

    public GatewayCompute Compute { get; }

    /// <summary>Conversations running on this layout (changed under the owner's lock).</summary>
    public int Conversations { get; set; }

    /// <summary>Fires when a node of the layout's chain is planned out.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>True when a hop of the chain is one of <paramref name="nodes"/>.</summary>
    public bool Uses(IReadOnlyCollection<string> nodes) => Layout is not null && Layout.Chain.Any(h => nodes.Contains(h.Node));

    public void MarkLost() => _lost.Cancel();

    /// <summary>Points every cut of the route at the node the layout names (a static layout leaves the route alone).</summary>
    public void Prefill(ActivationRoute route)
    {
        if (Layout is null)
        {
            return;
        }

        route.Clear();
        foreach (var hop in Layout.Chain)
        {
            route.Set(hop.Boundary, hop.Node);
        }
    }

    public void Dispose()
    {
        Compute.Dispose();
        Chain.Dispose();
        _lost.Dispose();
    }
}
