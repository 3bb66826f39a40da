using System.Diagnostics;
using EdgeLam.Inference.Ranges;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Layouts;

/// <summary>
/// The live re-split of an orchestrated peer: one <see cref="PeerStage"/> per loaded epoch, opened from the per-block
/// split beside the others, subscribed on this node's own topic for its boundary (once per boundary, whatever the
/// number of epochs using it). After a newer commit an old stage is released — disposed, and unsubscribed when no
/// loaded epoch still uses its boundary — once no frame of its epoch arrived for <see cref="StageTuning.StepTimeout"/>
/// (its conversations finished or moved; a step still in flight gets that long). A peer told to commit an epoch it
/// did not prepare has no part in that plan: its older stages finish the same way.
/// </summary>
internal sealed class PeerLayouts(PeerRole peer, BlockLibrary library, MqttClient client, NodeRoleOptions options, ILogger logger) : ILayoutHost
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<uint, NodeLayout> _layouts = [];
    private uint _active;
    private long _committedAt;

    public uint ActiveEpoch => Volatile.Read(ref _active);

    public IReadOnlyCollection<uint> LoadedEpochs => [.. peer.Stages.Select(s => s.Epoch)];

    public async Task PrepareAsync(NodeLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.FirstBlock == 0)
        {
            throw new ArgumentException("Layout of epoch " + layout.Epoch + " gives this peer block 0; the embedding and block 0 belong to the gateway.", nameof(layout));
        }

        if (!layout.Chain.Contains(new LayoutHop(layout.FirstBlock, options.Node)))
        {
            throw new ArgumentException("The chain of epoch " + layout.Epoch + " does not name " + options.Node + " at boundary " + layout.FirstBlock + ".", nameof(layout));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_layouts.TryGetValue(layout.Epoch, out var held))
            {
                if (Same(held, layout))
                {
                    return;
                }

                throw new InvalidOperationException("Epoch " + layout.Epoch + " is prepared with another layout.");
            }

            if (layout.Epoch <= _active)
            {
                throw new InvalidOperationException("Epoch " + layout.Epoch + " is not newer than the active epoch " + _active + ".");
            }

            var stage = peer.OpenStage(library, layout);
            var subscribed = peer.Stages.Any(s => s.Boundary == stage.Boundary);
            peer.Add(stage);
            _layouts[layout.Epoch] = layout;
            if (!subscribed)
            {
                await client.SubscribeAsync(stage.OwnTopic, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
            }

            LayoutLog.Prepared(logger, options.Node, layout.Epoch, layout.FirstBlock, layout.EndBlock);
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
        try
        {
            if (epoch == _active)
            {
                return;
            }

            if (epoch < _active || (!_layouts.ContainsKey(epoch) && _layouts.Keys.Any(e => e > epoch)))
            {
                throw new InvalidOperationException("Epoch " + epoch + " was not prepared here (active " + _active + ", loaded " + string.Join(",", _layouts.Keys) + ").");
            }

            Volatile.Write(ref _active, epoch);
            Volatile.Write(ref _committedAt, Stopwatch.GetTimestamp());
            peer.Activate(epoch);
            LayoutLog.Committed(logger, options.Node, epoch, _layouts.ContainsKey(epoch), string.Join(",", lostNodes));
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task AbandonAsync(uint epoch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (epoch == _active)
            {
                throw new InvalidOperationException("Epoch " + epoch + " is committed; it is released when a newer one is.");
            }

            if (epoch > _active && _layouts.ContainsKey(epoch))
            {
                Drop(s => s.Epoch == epoch, "abandoned");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases idle old stages until cancelled (checked four times per step timeout).</summary>
    public async Task RunReleaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var grace = options.StepTimeout;
                await Task.Delay(grace / 4, cancellationToken).ConfigureAwait(false);
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var active = _active;
                    var since = Math.Max(Volatile.Read(ref _committedAt), 0);
                    Drop(s => s.Epoch < active && Stopwatch.GetElapsedTime(Math.Max(s.LastFrame, since)) >= grace, "released");
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static bool Same(NodeLayout a, NodeLayout b) =>
        a.FirstBlock == b.FirstBlock && a.EndBlock == b.EndBlock && a.OutgoingCodec == b.OutgoingCodec && a.Chain.SequenceEqual(b.Chain);

    /// <summary>Takes the matching stages out of service, disposes them and unsubscribes boundaries no stage uses any more.</summary>
    private void Drop(Func<PeerStage, bool> match, string why)
    {
        foreach (var stage in peer.Remove(match))
        {
            _layouts.Remove(stage.Epoch);
            if (!peer.Stages.Any(s => s.Boundary == stage.Boundary))
            {
                try
                {
                    client.Unsubscribe(stage.OwnTopic);
                }
                catch (MqttChannelException e)
                {
                    LayoutLog.UnsubscribeFailed(logger, stage.OwnTopic, e.Message);
                }
            }

            LayoutLog.Dropped(logger, options.Node, stage.Epoch, why, stage.Chain.Conversations);
            stage.Dispose();
        }
    }
}
