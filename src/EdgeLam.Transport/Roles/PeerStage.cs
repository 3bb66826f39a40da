using System.Diagnostics;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Sampling;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// The range a peer runs in one plan epoch: its <see cref="SegmentChain"/>, the codecs of its cuts, its replay cache
/// and envelope, and the checks and answers around them — validate (<see cref="PeerAdmission"/>) → run → respond
/// (<see cref="PeerResponder"/>). A static peer has one stage; an orchestrated peer one per loaded epoch. Not
/// thread-safe: its peer runs one step at a time.
/// </summary>
internal sealed class PeerStage : IDisposable
{
    private readonly NodeRoleOptions _options;
    private readonly BoundaryFrameCodec _incoming;
    private readonly ReplayCache _replay;
    private readonly ActivationEnvelope _envelope = new();
    private readonly PeerAdmission _admission;
    private readonly PeerResponder _responder;
    private long _lastIdleSweep = Stopwatch.GetTimestamp();

    /// <summary>Takes ownership of <paramref name="chain"/>.</summary>
    public PeerStage(uint epoch, SegmentChain chain, WireCodec codec, NodeRoleOptions options, TopicScheme topics, ModelId modelId, SamplingOptions? sampling)
    {
        Epoch = epoch;
        Chain = chain;
        var model = modelId.ToString();
        var boundary = chain.Range.IncomingBoundary;
        SharedTopic = topics.Activation(model, boundary);
        OwnTopic = topics.PeerActivation(model, boundary, options.Node);
        _incoming = new BoundaryFrameCodec(boundary, chain.IncomingNames, codec);
        _responder = new PeerResponder(options, codec, chain, topics, model, sampling);
        _replay = new ReplayCache(options.ReplayCacheSessions);
        _options = options;
        _admission = new PeerAdmission(SharedTopic, OwnTopic, modelId, epoch, options.ContextLimit, _incoming, chain, _replay, _envelope);
        LastFrame = Stopwatch.GetTimestamp();
    }

    /// <summary>The plan epoch this stage's frames carry.</summary>
    public uint Epoch { get; }

    /// <summary>The stage's range of the model.</summary>
    public SegmentChain Chain { get; }

    /// <summary>The cut in front of the stage (its topics' boundary).</summary>
    public int Boundary => Chain.Range.IncomingBoundary;

    /// <summary>The stage's shared topic (new conversations of a static stage).</summary>
    public string SharedTopic { get; }

    /// <summary>This node's own topic for the stage's boundary.</summary>
    public string OwnTopic { get; }

    /// <summary>The blocks the stage hosts (an orchestrated peer's layout), or null for a static stage.</summary>
    public LayerRange? Layers { get; init; }

    /// <summary>When the stage last took a frame (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long LastFrame { get; private set; }

    /// <summary>The messages to publish for <paramref name="message"/>, or null when <paramref name="peer"/> was told it is rejected.</summary>
    public List<MqttApplicationMessage>? Step(in MqttReceivedMessage message, PeerRole peer)
    {
        var receivedUs = RoleClock.NowUs();
        var start = Stopwatch.GetTimestamp();
        LastFrame = start;
        if (!_admission.TryDecode(message, out var header, out var values, out var reason))
        {
            peer.Reject(message, reason!);
            return null;
        }

        peer.Count(RoleTrafficKind.FrameReceived, message.Payload.Length);
        switch (_admission.Admit(message, header, out var entry, out reason))
        {
            case AdmissionVerdict.Reject:
                peer.Reject(message, reason!);
                return null;
            case AdmissionVerdict.Replay:
                peer.OnReplayed(header);
                return entry!.Sent;
        }

        var conversation = header.SessionId;
        var prefill = (header.Flags & FrameFlags.Prefill) != 0;
        if (prefill && Chain.Length(conversation) > 0)
        {
            Chain.Drop(conversation);
        }

        var decodeUs = RoleClock.MicrosSince(start);
        try
        {
            Chain.Throttle = _options.Tuning.Throttle;
            Chain.RunIncoming(conversation, values, _envelope.Positions);
        }
        catch (Exception ex) when (ex is InferenceException or OrtException or ArgumentException)
        {
            peer.StepFailed(header, ex.Message);
            Chain.Drop(conversation);
            _replay.Remove(conversation);
            peer.Reject(message, ex.Message);
            return null;
        }

        entry = _replay.GetOrAdd(conversation);
        entry.Sent.Clear();
        entry.Step = header.Step;
        _envelope.WireUs += Math.Max(0, receivedUs - _envelope.SentAtUs);
        var queuedUs = Math.Max(0, RoleClock.Micros(start - message.ReceivedAt)); // in this node's incoming queue
        var hop = new HopTiming(Math.Max(0, receivedUs - queuedUs - _envelope.SentAtUs), queuedUs);
        var timing = _responder.Respond(header, _envelope, entry, decodeUs, hop, out var final);
        if (final || _envelope.IsLastStep(header.Step))
        {
            // The request ends here (the last stage knows its token; every stage knows the token limit). A resent
            // last step is answered from the replay cache.
            Chain.Drop(conversation);
        }

        DropIdle(start);

        if (!Chain.Range.IsLast)
        {
            peer.Count(RoleTrafficKind.FrameSent, entry.Sent[0].Payload.Length);
        }

        peer.OnServed(timing, prefill);
        return entry.Sent;
    }

    /// <summary>
    /// Takes a conversation over from a KV handover: its cache as <paramref name="kv"/> holds it after step
    /// <paramref name="step"/>, so the next frame (step + 1, not a prefill) continues it here.
    /// </summary>
    /// <exception cref="InferenceException">The KV does not fit the stage's range (a missing tensor, another layout, the memory budget).</exception>
    public void Import(KvSnapshot kv, uint step)
    {
        _replay.Remove(kv.Conversation);
        Chain.ImportKv(kv);
        _replay.GetOrAdd(kv.Conversation).Step = step;
        LastFrame = Stopwatch.GetTimestamp();
    }

    /// <summary>Drops a conversation that moved away (its cache and its replay entry).</summary>
    public void Forget(Guid conversation)
    {
        Chain.Drop(conversation);
        _replay.Remove(conversation);
    }

    /// <summary>
    /// At most every quarter of the horizon, drops conversations that ran no step for as long as a gateway retries one
    /// step (<c>StepTimeout x MaxAttempts</c>): ended by a stop token this stage never saw, or their gateway is gone;
    /// and the replay cache's entries as old (after that no gateway resends their step).
    /// </summary>
    private void DropIdle(long now)
    {
        var tuning = _options.Tuning;
        var horizon = tuning.StepTimeout * tuning.MaxAttempts;
        if (Stopwatch.GetElapsedTime(_lastIdleSweep, now) < horizon / 4)
        {
            return;
        }

        _lastIdleSweep = now;
        Chain.DropIdle(horizon);
        _replay.DropIdle(horizon, now);
    }

    public void Dispose()
    {
        _incoming.Dispose();
        _responder.Dispose();
        Chain.Dispose();
    }
}
