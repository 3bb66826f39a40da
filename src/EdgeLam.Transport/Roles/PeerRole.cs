using System.Diagnostics;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Inference.Sampling;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// A peer of a stage after the gateway: takes activation frames of new conversations from its stage's MQTT 5 shared
/// subscription and later steps of the conversations it holds from its own topic, and handles each as validate
/// (<see cref="PeerAdmission"/>) → run (its <see cref="SegmentChain"/>) → respond (<see cref="PeerResponder"/>: the
/// next frame, or — as the last stage — the token to the gateway and the result). Anything malformed, for another
/// model or epoch, or for a conversation it does not hold is counted and rejected; the peer keeps serving.
/// </summary>
public sealed class PeerRole : IDisposable
{
    private readonly NodeRoleOptions _options;
    private readonly MqttClient _client;
    private readonly ILogger _logger;
    private readonly SegmentChain _chain;
    private readonly BoundaryFrameCodec _incoming;
    private readonly TopicScheme _topics;
    private readonly string _model;
    private readonly ReplayCache _replay;
    private readonly ActivationEnvelope _envelope = new();
    private readonly PeerAdmission _admission;
    private readonly PeerResponder _responder;
    private long _served;
    private long _rejected;
    private long _replayed;

    /// <summary>Opens the stage's segments; call <see cref="StartAsync"/> then <see cref="RunAsync"/>.</summary>
    public PeerRole(NodeRoleOptions options, OnnxRuntime runtime, MqttClient client, ILogger? logger = null, SamplingOptions? sampling = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(client);
        options.ThrowIfInvalid();

        if (options.FirstSegment == 0)
        {
            throw new ArgumentException("A peer starts after segment 0; the gateway runs segment 0.", nameof(options));
        }

        _options = options;
        _client = client;
        _logger = logger ?? NullLogger.Instance;
        _topics = new TopicScheme(options.Site);
        var modelId = SplitModelIdentity.Read(options.ModelDirectory);
        _model = modelId.ToString();
        _chain = SegmentChain.Open(runtime, options.ModelDirectory, options.FirstSegment, options.LastSegment, new ChainOptions { ContextLimit = options.ContextLimit });
        _incoming = new BoundaryFrameCodec(_chain.Range.IncomingBoundary, _chain.IncomingNames, options.Codec);
        _responder = new PeerResponder(options, _chain, _topics, _model, sampling);
        _replay = new ReplayCache(options.ReplayCacheSessions);
        var boundary = _chain.Range.IncomingBoundary;
        _admission = new PeerAdmission(_topics.Activation(_model, boundary), _topics.PeerActivation(_model, boundary, options.Node), modelId, options.PlanEpoch, options.ContextLimit, _incoming, _chain, _replay, _envelope);
    }

    /// <summary>Steps run.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Messages rejected (corrupt, foreign model or epoch, unknown conversation).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Steps answered again from the replay cache.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Raised after each step this stage ran, with its own timing and whether it was a prefill (on the message loop: keep it quick).</summary>
    public event Action<StageTiming, bool>? StepServed;

    /// <summary>Raised for every frame received, frame sent downstream and message rejected, with its size in bytes.</summary>
    public event Action<RoleTrafficKind, int>? Traffic;

    /// <summary>Conversations this stage holds.</summary>
    public int Conversations => _chain.Conversations;

    /// <summary>The stage's range of the model (segments, boundaries).</summary>
    public SegmentChain Chain => _chain;

    /// <summary>Subscribes to the stage's shared topic and to this node's own topic for the conversations it holds.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RoleLog.Serving(_logger, "peer", _options.Node, _chain.Range.First, _chain.Range.Last, _model, _options.PlanEpoch, _options.Codec.ToString());
        await _client.SubscribeAsync(_topics.ActivationSharedSubscription(_model, _chain.Range.IncomingBoundary), MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        await _client.SubscribeAsync(_topics.PeerActivation(_model, _chain.Range.IncomingBoundary, _options.Node), MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _client.RunMessageHandlerAsync((m, ct) => HandleAsync(m, ct), cancellationToken);

    /// <summary>Handles one message: validate → run → respond (public for tests that drive the stage directly).</summary>
    public async ValueTask HandleAsync(MqttReceivedMessage message, CancellationToken cancellationToken)
    {
        if (Step(message) is { } sent)
        {
            foreach (var m in sent)
            {
                await _client.PublishAsync(m, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _incoming.Dispose();
        _responder.Dispose();
        _chain.Dispose();
    }

    /// <summary>The messages to publish for <paramref name="message"/>, or null when it was rejected.</summary>
    private List<MqttApplicationMessage>? Step(in MqttReceivedMessage message)
    {
        var receivedUs = RoleClock.NowUs();
        var start = Stopwatch.GetTimestamp();
        if (!_admission.TryDecode(message, out var header, out var values, out var reason))
        {
            Reject(message, reason!);
            return null;
        }

        Traffic?.Invoke(RoleTrafficKind.FrameReceived, message.Payload.Length);
        switch (_admission.Admit(message, header, out var entry, out reason))
        {
            case AdmissionVerdict.Reject:
                Reject(message, reason!);
                return null;
            case AdmissionVerdict.Replay:
                Interlocked.Increment(ref _replayed);
                RoleLog.Replayed(_logger, header.Step, header.SessionId);
                return entry!.Sent;
        }

        var conversation = header.SessionId;
        var prefill = (header.Flags & FrameFlags.Prefill) != 0;
        if (prefill && _chain.Length(conversation) > 0)
        {
            _chain.Drop(conversation);
        }

        var decodeUs = RoleClock.MicrosSince(start);
        try
        {
            _chain.Throttle = _options.Tuning.Throttle;
            _chain.RunIncoming(conversation, values, _envelope.Positions);
        }
        catch (Exception ex) when (ex is InferenceException or OrtException or ArgumentException)
        {
            RoleLog.StepFailed(_logger, header.Step, conversation, ex.Message);
            _chain.Drop(conversation);
            _replay.Remove(conversation);
            Reject(message, ex.Message);
            return null;
        }

        entry = _replay.GetOrAdd(conversation);
        if (prefill)
        {
            entry.Tokens.Clear();
        }

        entry.Sent.Clear();
        entry.Step = header.Step;
        _envelope.WireUs += Math.Max(0, receivedUs - _envelope.SentAtUs);
        var timing = _responder.Respond(header, _envelope, entry, decodeUs, out var final);
        if (final)
        {
            _chain.Drop(conversation);
        }

        if (!_chain.Range.IsLast)
        {
            Traffic?.Invoke(RoleTrafficKind.FrameSent, entry.Sent[0].Payload.Length);
        }

        Interlocked.Increment(ref _served);
        StepServed?.Invoke(timing, prefill);
        return entry.Sent;
    }

    private void Reject(in MqttReceivedMessage message, string reason)
    {
        var n = Interlocked.Increment(ref _rejected);
        RoleLog.Rejected(_logger, message.Topic, reason, n);
        Traffic?.Invoke(RoleTrafficKind.Rejected, message.Payload.Length);
    }
}
