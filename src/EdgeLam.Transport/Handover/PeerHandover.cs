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
/// An orchestrated peer's part of KV handovers, on its <c>nodes/{node}/kv</c> topic. As an old owner it takes a
/// gateway's send order: exports the named blocks of the conversation from the stage of the old epoch, one block per
/// message to each block's new owner (itself included, without the broker), then drops the conversation there. As a
/// new owner it collects the blocks of its range in the new epoch (<see cref="KvInbox"/>), imports them into that
/// stage and acknowledges to the gateway. Anything damaged, foreign or that does not fit is refused (counted, logged)
/// and, when the handover it belongs to can be named, refused to its gateway at once, which then replays. Not
/// thread-safe: the peer calls it under its lock, like its steps.
/// </summary>
internal sealed class PeerHandover(LayerMap map, TopicScheme topics, NodeRoleOptions options, ModelId modelId, ILogger logger)
{
    private readonly Dictionary<(Guid Conversation, uint Epoch), KvInbox> _inboxes = [];
    private long _rejected;
    private long _imported;

    /// <summary>Handover messages (or parts of them) refused.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Conversations taken over on this node.</summary>
    public long Imported => Interlocked.Read(ref _imported);

    /// <summary>Handles one message on this node's KV topic against <paramref name="stages"/>; returns what to publish.</summary>
    public List<MqttApplicationMessage> Handle(in MqttReceivedMessage message, IReadOnlyList<PeerStage> stages)
    {
        var sent = new List<MqttApplicationMessage>();
        Sweep();
        KvMessage decoded;
        try
        {
            decoded = KvMessageCodec.Decode(message.Payload.Span);
        }
        catch (KvMessageException e)
        {
            Refuse(sent, message.Topic, e.Header, e.Message);
            return sent;
        }

        var header = decoded.Header;
        if (header.Model != modelId)
        {
            Refuse(sent, message.Topic, header, "KV of model " + header.Model + "; this node serves " + modelId);
            return sent;
        }

        switch (decoded)
        {
            case KvSendMessage send:
                Send(send, stages, sent, message.Topic);
                break;
            case KvBlockMessage block:
                Receive(block, stages, sent, message.Topic);
                break;
            default:
                Refuse(sent, message.Topic, null, "a KV acknowledgement is for a gateway");
                break;
        }

        return sent;
    }

    private void Send(KvSendMessage send, IReadOnlyList<PeerStage> stages, List<MqttApplicationMessage> sent, string topic)
    {
        var h = send.Header;
        var stage = stages.FirstOrDefault(s => s.Epoch == h.FromEpoch && s.Layers is not null);
        if (stage is null || stage.Chain.Length(h.Conversation) != h.Positions)
        {
            Refuse(sent, topic, h, stage is null
                ? "this node has no stage of epoch " + h.FromEpoch
                : "the stage of epoch " + h.FromEpoch + " holds conversation " + h.Conversation + " at " + stage.Chain.Length(h.Conversation) + " positions, not " + h.Positions);
            return;
        }

        var layers = stage.Layers!.Value;
        if (send.Targets.FirstOrDefault(t => t.Block < layers.Start || t.Block >= layers.End || !TopicScheme.IsValidName(t.Node)) is { Node: not null } bad)
        {
            Refuse(sent, topic, h, "block " + bad.Block + " for '" + bad.Node + "' is not one of this node's blocks " + layers + " or names no node");
            return;
        }

        try
        {
            foreach (var target in send.Targets)
            {
                var block = new KvBlockMessage(h, target.Block, stage.Chain.ExportKv(h.Conversation, map.KvTensors(target.Block, target.Block + 1)));
                if (target.Node == options.Node)
                {
                    Receive(block, stages, sent, topic);
                }
                else
                {
                    sent.Add(new MqttApplicationMessage(topics.NodeKv(target.Node), KvMessageCodec.Encode(block)));
                }
            }
        }
        catch (Exception e) when (e is InferenceException or ArgumentException)
        {
            Refuse(sent, topic, h, e.Message);
            return;
        }

        stage.Forget(h.Conversation);
        HandoverLog.Sent(logger, options.Node, send.Targets.Count, h.Conversation, h.FromEpoch);
    }

    private void Receive(KvBlockMessage block, IReadOnlyList<PeerStage> stages, List<MqttApplicationMessage> sent, string topic)
    {
        var h = block.Header;
        var stage = stages.FirstOrDefault(s => s.Epoch == h.ToEpoch && s.Layers is not null);
        if (stage is null)
        {
            Refuse(sent, topic, h, "this node has no stage of epoch " + h.ToEpoch);
            return;
        }

        var key = (h.Conversation, h.ToEpoch);
        if (!_inboxes.TryGetValue(key, out var inbox))
        {
            var layers = stage.Layers!.Value;
            inbox = new KvInbox(h, layers.Start, layers.End, Stopwatch.GetTimestamp());
            _inboxes[key] = inbox;
        }

        if (inbox.Add(block) is { } reason)
        {
            _inboxes.Remove(key);
            Refuse(sent, topic, h, reason);
            return;
        }

        if (!inbox.IsComplete)
        {
            return;
        }

        _inboxes.Remove(key);
        try
        {
            stage.Import(inbox.Merge(), h.Step);
        }
        catch (Exception e) when (e is InferenceException or ArgumentException)
        {
            Refuse(sent, topic, h, e.Message);
            return;
        }

        Interlocked.Increment(ref _imported);
        HandoverLog.Imported(logger, options.Node, h.Conversation, h.ToEpoch, h.Positions, inbox.Bytes);
        Ack(sent, h, true, string.Empty);
    }

    /// <summary>Counts and logs a refused message; tells the handover's gateway when the message named one.</summary>
    private void Refuse(List<MqttApplicationMessage> sent, string topic, KvHandoverHeader? header, string reason)
    {
        var n = Interlocked.Increment(ref _rejected);
        HandoverLog.Rejected(logger, options.Node, topic, reason, n);
        if (header is { } h)
        {
            _inboxes.Remove((h.Conversation, h.ToEpoch));
            Ack(sent, h, false, reason);
        }
    }

    private void Ack(List<MqttApplicationMessage> sent, KvHandoverHeader header, bool accepted, string reason)
    {
        if (TopicScheme.IsValidName(header.Gateway))
        {
            sent.Add(new MqttApplicationMessage(topics.NodeKv(header.Gateway), KvMessageCodec.Encode(new KvAckMessage(header, options.Node, accepted, reason))));
        }
    }

    /// <summary>Forgets handovers whose blocks stopped coming (their gateway gave them up long ago).</summary>
    private void Sweep()
    {
        var horizon = options.Tuning.StepTimeout * options.Tuning.MaxAttempts;
        foreach (var (key, inbox) in _inboxes)
        {
            if (Stopwatch.GetElapsedTime(inbox.Created) > horizon)
            {
                _inboxes.Remove(key);
            }
        }
    }
}
