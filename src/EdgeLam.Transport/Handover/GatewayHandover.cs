using System.Diagnostics;
using EdgeLam.Inference;
using EdgeLam.Inference.Ranges;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Handover;

/// <summary>
/// An orchestrated gateway's side of KV handovers: it chooses handover or replay for a conversation that moves to the
/// active layout (<see cref="Choose"/>), and drives a handover (<see cref="MoveAsync"/>): send orders to the old
/// owners on their <c>kv</c> topics, its own old blocks exported and sent (or kept), its own new blocks collected, every
/// new owner's acknowledgement awaited within <see cref="NodeRoleOptions.KvHandoverTimeout"/>. A refusal, a damaged
/// part or the timeout fail the handover: the caller replays. Messages on the gateway's <c>kv</c> topic come through
/// <see cref="OnMessage"/> (the role's message loop).
/// </summary>
internal sealed class GatewayHandover(MqttClient client, LayerMap map, TopicScheme topics, NodeRoleOptions options, ModelId modelId, ILogger logger)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<Guid, Pending> _pending = [];
    private long _handedOver;
    private long _failed;
    private long _rejected;

    /// <summary>This gateway's KV topic.</summary>
    public string Topic { get; } = topics.NodeKv(options.Node);

    /// <summary>The measured costs of moving (prefills and handovers on this gateway).</summary>
    public MoveCostMeter Meter { get; } = new();

    /// <summary>Conversations handed over.</summary>
    public long HandedOver => Interlocked.Read(ref _handedOver);

    /// <summary>Handovers that failed (refused, damaged, timed out) and fell back to replay.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Messages on the gateway's KV topic it refused (damaged, foreign, for no handover in progress).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Handover or replay for a conversation of <paramref name="positions"/> cached positions moving from
    /// <paramref name="from"/> to <paramref name="to"/>: replay when a node of <paramref name="from"/> was lost (its KV
    /// is gone) or <c>Node:KvHandover</c> is off; handover when it is always; else <see cref="ConversationMove.Choose"/>
    /// on the measured costs (handover until one was measured).
    /// </summary>
    public MoveMethod Choose(GatewayLayout from, GatewayLayout to, int positions)
    {
        if (from.IsLost || from.Layout is null || to.Layout is null || options.KvHandover == KvHandoverMode.Off)
        {
            return MoveMethod.Replay;
        }

        if (options.KvHandover == KvHandoverMode.Always || Meter.Costs() is not { } costs)
        {
            return MoveMethod.Handover;
        }

        return ConversationMove.Choose(costs, positions, WireBytesPerPosition(from, to), 0).Method;
    }

    /// <summary>
    /// Hands the conversation's KV over from <paramref name="from"/> to <paramref name="to"/>: it holds
    /// <paramref name="positions"/> positions after step <paramref name="step"/>. True when every new owner imported
    /// its blocks (the conversation continues on <paramref name="to"/> with a decode step); false when it failed (the
    /// caller replays; what was imported of it on <paramref name="to"/> here is dropped).
    /// </summary>
    public async Task<bool> MoveAsync(Guid conversation, GatewayLayout from, GatewayLayout to, uint step, int positions, CancellationToken cancellationToken)
    {
        var header = new KvHandoverHeader(modelId, conversation, from.Epoch, to.Epoch, step, positions, options.Node);
        var owners = BlockOwners.Of(from.Layout!, options.Node, map.Blocks);
        var next = BlockOwners.Of(to.Layout!, options.Node, map.Blocks);
        var start = Stopwatch.GetTimestamp();
        var pending = new Pending(new KvInbox(header, 0, to.Layout!.EndBlock, start), [.. next.Where(n => n != options.Node)]);
        lock (_sync)
        {
            _pending[conversation] = pending;
        }

        string failure;
        try
        {
            var orders = BlockOwners.Orders(owners, next);
            foreach (var (node, targets) in orders.Where(o => o.Node != options.Node))
            {
                await client.PublishAsync(new MqttApplicationMessage(topics.NodeKv(node), KvMessageCodec.Encode(new KvSendMessage(header, targets))), cancellationToken).ConfigureAwait(false);
            }

            foreach (var target in orders.Where(o => o.Node == options.Node).SelectMany(o => o.Targets))
            {
                var block = new KvBlockMessage(header, target.Block, await from.Compute.ExportKvAsync(conversation, map.KvTensors(target.Block, target.Block + 1)).ConfigureAwait(false));
                if (target.Node == options.Node)
                {
                    lock (_sync)
                    {
                        pending.OnBlock(block);
                    }
                }
                else
                {
                    await client.PublishAsync(new MqttApplicationMessage(topics.NodeKv(target.Node), KvMessageCodec.Encode(block)), cancellationToken).ConfigureAwait(false);
                }
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.KvHandoverTimeout);
            if (await pending.Done.Task.WaitAsync(timeout.Token).ConfigureAwait(false) is { } own)
            {
                await to.Compute.ImportKvAsync(own).ConfigureAwait(false);
            }

            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var bytes = WireBytesPerPosition(from, to) * positions;
            Meter.RecordHandover(bytes, ms);
            Interlocked.Increment(ref _handedOver);
            HandoverLog.HandedOver(logger, conversation, from.Epoch, to.Epoch, positions, bytes, ms);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = "not complete within " + options.KvHandoverTimeout + " (Node:KvHandoverTimeout)";
        }
        catch (Exception e) when (e is KvHandoverRefusedException or InferenceException or ArgumentException or MqttChannelException)
        {
            failure = e.Message;
        }
        finally
        {
            lock (_sync)
            {
                _pending.Remove(conversation);
            }
        }

        Interlocked.Increment(ref _failed);
        HandoverLog.Failed(logger, conversation, from.Epoch, to.Epoch, failure);
        await to.Compute.DropAsync(conversation).ConfigureAwait(false);
        return false;
    }

    /// <summary>Takes one message of the gateway's KV topic: a block it takes over or an acknowledgement.</summary>
    public void OnMessage(in MqttReceivedMessage message)
    {
        KvMessage decoded;
        try
        {
            decoded = KvMessageCodec.Decode(message.Payload.Span);
        }
        catch (KvMessageException e)
        {
            Reject(message.Topic, e.Message);
            if (e.Header is { } damaged)
            {
                lock (_sync)
                {
                    Find(damaged)?.Fail("a damaged part: " + e.Message);
                }
            }

            return;
        }

        var header = decoded.Header;
        lock (_sync)
        {
            var pending = header.Model == modelId ? Find(header) : null;
            var reason = pending is null ? "no handover of conversation " + header.Conversation + " from epoch " + header.FromEpoch + " to " + header.ToEpoch + " is in progress here"
                : decoded switch
                {
                    KvBlockMessage block => pending.OnBlock(block),
                    KvAckMessage ack => pending.OnAck(ack),
                    _ => "a gateway takes no send orders",
                };
            if (reason is not null)
            {
                Reject(message.Topic, reason);
            }
        }
    }

    /// <summary>Bytes per position that cross the broker: the KV of the blocks that change node (the blocks are alike).</summary>
    private long WireBytesPerPosition(GatewayLayout from, GatewayLayout to)
    {
        var moving = BlockOwners.Moving(BlockOwners.Of(from.Layout!, options.Node, map.Blocks), BlockOwners.Of(to.Layout!, options.Node, map.Blocks));
        var hosted = from.Chain.Segments.SelectMany(s => s.Signature.KeyValues).Sum(k => k.BytesPerPosition);
        return from.Layout!.EndBlock == 0 ? 0 : hosted / from.Layout.EndBlock * moving;
    }

    private Pending? Find(KvHandoverHeader header) =>
        _pending.TryGetValue(header.Conversation, out var pending) && pending.Header.ToEpoch == header.ToEpoch && pending.Header.FromEpoch == header.FromEpoch ? pending : null;

    private void Reject(string topic, string reason)
    {
        var n = Interlocked.Increment(ref _rejected);
        HandoverLog.Rejected(logger, options.Node, topic, reason, n);
    }

    /// <summary>One handover in progress: the gateway's own blocks and the new owners yet to acknowledge (under the owner's lock).</summary>
    private sealed class Pending(KvInbox inbox, HashSet<string> waiting)
    {
        public KvHandoverHeader Header => inbox.Header;

        /// <summary>The gateway's own KV for the new layout (null when it holds no block there), or the refusal.</summary>
        public TaskCompletionSource<KvSnapshot?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Null when taken, else why the block is refused (the handover then fails).</summary>
        public string? OnBlock(KvBlockMessage block)
        {
            if (inbox.Add(block) is { } reason)
            {
                Fail(reason);
                return reason;
            }

            Check();
            return null;
        }

        public string? OnAck(KvAckMessage ack)
        {
            if (!ack.Accepted)
            {
                Fail(ack.Node + " refused: " + ack.Reason);
                return null;
            }

            if (!waiting.Remove(ack.Node))
            {
                return "an acknowledgement from " + ack.Node + ", which takes no blocks of the handover or acknowledged already";
            }

            Check();
            return null;
        }

        public void Fail(string reason) => Done.TrySetException(new KvHandoverRefusedException(reason));

        private void Check()
        {
            if (waiting.Count == 0 && inbox.IsComplete)
            {
                Done.TrySetResult(inbox.Bytes == 0 ? null : inbox.Merge());
            }
        }
    }
}

/// <summary>A KV handover was refused by a node or arrived damaged.</summary>
internal sealed class KvHandoverRefusedException(string message) : Exception(message);
