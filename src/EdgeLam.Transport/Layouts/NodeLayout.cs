using EdgeLam.Wire.Codecs;

namespace EdgeLam.Transport.Layouts;

/// <summary>The node that takes frames entering the stage after <paramref name="Boundary"/> in one plan epoch.</summary>
/// <param name="Boundary">Block boundary of the cut (boundary b lies before block b; see docs/orchestration.md).</param>
/// <param name="Node">The node hosting the stage after that cut.</param>
public readonly record struct LayoutHop(int Boundary, string Node);

/// <summary>
/// One node's part of one plan epoch as its role runs it: the blocks it hosts (with the embedding when
/// <paramref name="FirstBlock"/> is 0, with the head when <paramref name="EndBlock"/> is the model's block count),
/// the codec of its outgoing cut, and the whole chain of the epoch (every cut after the gateways and who takes it),
/// so frames go straight to the node that hosts the next stage.
/// </summary>
/// <param name="Epoch">The plan epoch frames of this layout carry (<c>PlanEpoch.Number</c>, below 2^32).</param>
/// <param name="FirstBlock">First hosted block.</param>
/// <param name="EndBlock">One past the last hosted block.</param>
/// <param name="OutgoingCodec">Codec of the cut after this stage; ignored for the last stage.</param>
/// <param name="Chain">Every cut of the epoch's shared chain, ascending by boundary.</param>
public sealed record NodeLayout(uint Epoch, int FirstBlock, int EndBlock, WireCodec OutgoingCodec, IReadOnlyList<LayoutHop> Chain)
{
    /// <summary>
    /// What the planner predicts the whole epoch costs a conversation; a gateway compares it with an older layout's to
    /// choose whether a running conversation finishes there or moves (<see cref="LayoutMove"/>). Null: unknown
    /// (conversations then finish on their layout unless it lost a node).
    /// </summary>
    public LayoutCost? Predicted { get; init; }
}
