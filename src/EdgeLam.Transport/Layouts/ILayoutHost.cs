namespace EdgeLam.Transport.Layouts;

/// <summary>
/// The node side of a live re-split, as the agreement drives it (two-phase): <see cref="PrepareAsync"/> loads the new
/// layout beside the running one and starts taking its frames, <see cref="CommitAsync"/> makes new requests use it
/// and moves or finishes running conversations; a layout whose conversations are all done is released by the host.
/// </summary>
public interface ILayoutHost
{
    /// <summary>The epoch new requests run on (0 before the first commit).</summary>
    uint ActiveEpoch { get; }

    /// <summary>Epochs whose layouts are loaded (the active one, prepared ones, old ones still finishing conversations).</summary>
    IReadOnlyCollection<uint> LoadedEpochs { get; }

    /// <summary>
    /// Loads <paramref name="layout"/> beside the running layouts (no offline split step) and subscribes to its frames.
    /// Idempotent for an epoch already prepared with the same layout.
    /// </summary>
    /// <exception cref="EdgeLam.Inference.InferenceException">The range cannot be opened (memory, model files).</exception>
    Task PrepareAsync(NodeLayout layout, CancellationToken cancellationToken);

    /// <summary>
    /// New requests use <paramref name="epoch"/> (prepared before). Conversations running on older layouts finish there
    /// or move to the new one (replay, or KV handover), chosen by measured cost; those held by a node in
    /// <paramref name="lostNodes"/> move at once. Older layouts are released when their conversations are done.
    /// </summary>
    /// <remarks>
    /// A peer may be told to commit an epoch newer than every one it loaded without preparing it: it has no part in
    /// that plan, and its older layouts finish and are released. A gateway always hosts a range, so it throws.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The epoch was not prepared (gateway), or is older than the active one.</exception>
    Task CommitAsync(uint epoch, IReadOnlyCollection<string> lostNodes, CancellationToken cancellationToken);

    /// <summary>Drops a prepared layout that was never committed (the plan was superseded or refused elsewhere).</summary>
    Task AbandonAsync(uint epoch, CancellationToken cancellationToken);
}
