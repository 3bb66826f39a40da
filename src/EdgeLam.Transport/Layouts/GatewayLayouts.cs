using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Frames;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Layouts;

/// <summary>
/// The live re-split of an orchestrated gateway: one <see cref="GatewayLayout"/> (chain and compute) per loaded epoch,
/// opened from the per-block split beside the others. Each request starts on the active layout (waiting for the first
/// commit, at most <see cref="StageTuning.StepTimeout"/> × <see cref="StageTuning.MaxAttempts"/>); a commit marks the
/// older layouts that use a lost node, so their conversations move at once; an old layout is released as soon as its
/// last conversation finished or moved (the gateway knows: it drives every step).
/// </summary>
internal sealed class GatewayLayouts(BlockLibrary library, NodeRoleOptions options, ModelId modelId, ILogger logger) : ILayoutHost, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _sync = new();
    private readonly Dictionary<uint, GatewayLayout> _loaded = [];
    private readonly TaskCompletionSource _firstCommit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GatewayLayout? _active;

    public uint ActiveEpoch => Volatile.Read(ref _active)?.Epoch ?? 0;

    public IReadOnlyCollection<uint> LoadedEpochs
    {
        get
        {
            lock (_sync)
            {
                return [.. _loaded.Keys];
            }
        }
    }

    /// <summary>The layout new requests start on, or null before the first commit.</summary>
    public GatewayLayout? Active => Volatile.Read(ref _active);

    /// <summary>Completes at the first commit.</summary>
    public Task FirstCommit => _firstCommit.Task;

    public async Task PrepareAsync(NodeLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.FirstBlock != 0 || layout.EndBlock >= library.Blocks)
        {
            throw new ArgumentException("Layout of epoch " + layout.Epoch + " gives the gateway blocks [" + layout.FirstBlock + ", " + layout.EndBlock + "); a gateway hosts the embedding (from block 0) and leaves the head to a peer (below block " + library.Blocks + ").", nameof(layout));
        }

        if (!layout.Chain.Any(h => h.Boundary == layout.EndBlock))
        {
            throw new ArgumentException("The chain of epoch " + layout.Epoch + " names no node at the gateway's cut " + layout.EndBlock + ".", nameof(layout));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_sync)
            {
                if (_loaded.TryGetValue(layout.Epoch, out var held))
                {
                    if (held.Layout!.EndBlock == layout.EndBlock && held.Layout.OutgoingCodec == layout.OutgoingCodec && held.Layout.Chain.SequenceEqual(layout.Chain))
                    {
                        return;
                    }

                    throw new InvalidOperationException("Epoch " + layout.Epoch + " is prepared with another layout.");
                }

                if (layout.Epoch <= ActiveEpoch)
                {
                    throw new InvalidOperationException("Epoch " + layout.Epoch + " is not newer than the active epoch " + ActiveEpoch + ".");
                }
            }

            var chain = library.Open(library.Range(0, layout.EndBlock), new ChainOptions { ContextLimit = options.ContextLimit });
            if (!chain.Segments[0].Signature.TakesInputIds)
            {
                chain.Dispose();
                throw new InferenceException("Segment 0 (" + chain.Segments[0].Name + ") takes no input_ids; the gateway feeds token ids.");
            }

            var loaded = new GatewayLayout(layout.Epoch, layout, chain, options, modelId);
            lock (_sync)
            {
                _loaded[layout.Epoch] = loaded;
            }

            LayoutLog.Prepared(logger, options.Node, layout.Epoch, 0, layout.EndBlock);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task CommitAsync(uint epoch, IReadOnlyCollection<string> lostNodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lostNodes);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        List<GatewayLayout> released;
        List<GatewayLayout> lost;
        try
        {
            lock (_sync)
            {
                if (!_loaded.TryGetValue(epoch, out var next) || epoch < ActiveEpoch)
                {
                    throw new InvalidOperationException("Epoch " + epoch + " was not prepared on this gateway (active " + ActiveEpoch + ", loaded " + string.Join(",", _loaded.Keys) + ").");
                }

                Volatile.Write(ref _active, next);
                lost = [.. _loaded.Values.Where(l => l.Epoch < epoch && l.Uses(lostNodes))];
                released = TakeReleasable();
            }

            _firstCommit.TrySetResult();
            LayoutLog.Committed(logger, options.Node, epoch, true, string.Join(",", lostNodes));
        }
        finally
        {
            _gate.Release();
        }

        // Outside the locks and after the switch: a cancelled wait may move its conversation on this thread, to the new layout.
        foreach (var old in lost)
        {
            old.MarkLost();
        }

        Dispose(released, "released");
    }

    public async Task AbandonAsync(uint epoch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        GatewayLayout? dropped = null;
        try
        {
            lock (_sync)
            {
                if (epoch == ActiveEpoch)
                {
                    throw new InvalidOperationException("Epoch " + epoch + " is committed; it is released when a newer one is.");
                }

                if (epoch > ActiveEpoch && _loaded.Remove(epoch, out dropped) && dropped.Conversations != 0)
                {
                    throw new InvalidOperationException("Epoch " + epoch + " was never committed but runs conversations.");
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        Dispose(dropped is null ? [] : [dropped], "abandoned");
    }

    /// <summary>The active layout, with one more conversation on it; waits for the first commit.</summary>
    /// <exception cref="InferenceException">No commit came within <see cref="StageTuning.StepTimeout"/> × <see cref="StageTuning.MaxAttempts"/>.</exception>
    public async Task<GatewayLayout> JoinAsync(CancellationToken cancellationToken)
    {
        var tuning = options.Tuning;
        var wait = tuning.StepTimeout * tuning.MaxAttempts;
        try
        {
            await _firstCommit.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InferenceException("No plan was committed within " + wait + " (Node:StepTimeout × Node:MaxAttempts): this orchestrated gateway has no layout to run the request on.");
        }

        lock (_sync)
        {
            var active = _active!;
            active.Conversations++;
            return active;
        }
    }

    /// <summary>
    /// Counts one more conversation on <paramref name="layout"/> while it is still loaded (a conversation about to be
    /// handed over to it; it then <see cref="Leave"/>s its old layout, or this one when the handover fails).
    /// </summary>
    public bool TryHold(GatewayLayout layout)
    {
        lock (_sync)
        {
            if (!_loaded.TryGetValue(layout.Epoch, out var held) || !ReferenceEquals(held, layout))
            {
                return false;
            }

            layout.Conversations++;
            return true;
        }
    }

    /// <summary>Moves one conversation from <paramref name="from"/> to the active layout (the same when none is newer).</summary>
    public GatewayLayout Move(GatewayLayout from)
    {
        GatewayLayout to;
        List<GatewayLayout> released;
        lock (_sync)
        {
            to = _active!;
            if (ReferenceEquals(to, from))
            {
                return from;
            }

            to.Conversations++;
            from.Conversations--;
            released = TakeReleasable();
        }

        Dispose(released, "released");
        return to;
    }

    /// <summary>One conversation on <paramref name="layout"/> is done; an old layout with none left is released.</summary>
    public void Leave(GatewayLayout layout)
    {
        List<GatewayLayout> released;
        lock (_sync)
        {
            layout.Conversations--;
            released = TakeReleasable();
        }

        Dispose(released, "released");
    }

    public void Dispose()
    {
        lock (_sync)
        {
            foreach (var layout in _loaded.Values)
            {
                layout.Dispose();
            }

            _loaded.Clear();
            _active = null;
        }

        _gate.Dispose();
    }

    /// <summary>Removes the layouts older than the active one that run no conversation (under the lock).</summary>
    private List<GatewayLayout> TakeReleasable()
    {
        var active = ActiveEpoch;
        var done = _loaded.Values.Where(l => l.Epoch < active && l.Conversations == 0).ToList();
        foreach (var layout in done)
        {
            _loaded.Remove(layout.Epoch);
        }

        return done;
    }

    private void Dispose(List<GatewayLayout> layouts, string why)
    {
        foreach (var layout in layouts)
        {
            LayoutLog.Dropped(logger, options.Node, layout.Epoch, why, layout.Chain.Conversations);
            layout.Dispose();
        }
    }
}
