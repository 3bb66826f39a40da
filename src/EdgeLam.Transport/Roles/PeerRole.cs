using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Sampling;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Handover;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// A peer of a stage after the gateway. Static (<see cref="NodeRoleOptions.Orchestrated"/> null): one
/// <see cref="PeerStage"/> for the configured segments and epoch, taking frames of new conversations from its stage's
/// MQTT 5 shared subscription and later steps from its own topic. Orchestrated: one stage per loaded plan epoch, added
/// and released through <see cref="Layouts"/>, taking every frame on its own topics and handing it to the stage of the
/// frame's plan epoch. Anything malformed, for another model or an epoch not loaded, or for a conversation it does not
/// hold is counted and rejected; the peer keeps serving.
/// </summary>
public sealed class PeerRole : IDisposable
{
    private readonly NodeRoleOptions _options;
    private readonly MqttClient _client;
    private readonly ILogger _logger;
    private readonly TopicScheme _topics;
    private readonly ModelId _modelId;
    private readonly string _model;
    private readonly SamplingOptions? _sampling;
    private readonly Lock _sync = new();
    private readonly PeerLayouts? _layouts;
    private readonly PeerHandover? _handover;
    private readonly string _kvTopic;
    private PeerStage[] _stages;
    private PeerStage? _current;
    private long _served;
    private long _rejected;
    private long _replayed;

    /// <summary>Opens the stage's segments (static) or the per-block split (orchestrated); call <see cref="StartAsync"/> then <see cref="RunAsync"/>.</summary>
    /// <exception cref="InferenceException">An orchestrated node's model folder is not a per-block split.</exception>
    public PeerRole(NodeRoleOptions options, OnnxRuntime runtime, MqttClient client, ILogger? logger = null, SamplingOptions? sampling = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(client);
        options.ThrowIfInvalid();
        if (options.Orchestrated is null && options.FirstSegment == 0)
        {
            throw new ArgumentException("A peer starts after segment 0; the gateway runs segment 0.", nameof(options));
        }

        if (options.Orchestrated == LayoutRole.Gateway)
        {
            throw new ArgumentException("An orchestrated gateway runs the gateway role.", nameof(options));
        }

        _options = options;
        _client = client;
        _logger = logger ?? NullLogger.Instance;
        _topics = new TopicScheme(options.Site);
        _modelId = SplitModelIdentity.Read(options.ModelDirectory);
        _model = _modelId.ToString();
        _sampling = sampling;
        _kvTopic = _topics.NodeKv(options.Node);
        if (options.Orchestrated is null)
        {
            var chain = SegmentChain.Open(runtime, options.ModelDirectory, options.FirstSegment, options.LastSegment, new ChainOptions { ContextLimit = options.ContextLimit });
            _current = new PeerStage(options.PlanEpoch, chain, options.Codec, options, _topics, _modelId, sampling);
            _stages = [_current];
        }
        else
        {
            var library = BlockLibrary.PerBlock(runtime, options.ModelDirectory);
            _layouts = new PeerLayouts(this, library, client, options, _logger);
            _handover = new PeerHandover(library.Map, _topics, options, _modelId, _logger);
            _stages = [];
        }
    }

    /// <summary>Steps run.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Messages rejected (corrupt, foreign model or epoch, unknown conversation).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Steps answered again from the replay cache.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Conversations an orchestrated peer took over by KV handover (each stage's part imported).</summary>
    public long HandedOver => _handover?.Imported ?? 0;

    /// <summary>KV handover messages or parts this peer refused (damaged, foreign, or not fitting its stages).</summary>
    public long HandoverRejected => _handover?.Rejected ?? 0;

    /// <summary>Raised after each step this stage ran, with its own timing and whether it was a prefill (on the message loop: keep it quick).</summary>
    public event Action<StageTiming, bool>? StepServed;

    /// <summary>Raised for every frame received, frame sent downstream and message rejected, with its size in bytes.</summary>
    public event Action<RoleTrafficKind, int>? Traffic;

    /// <summary>Conversations this peer holds, over every loaded epoch.</summary>
    public int Conversations => Volatile.Read(ref _stages).Sum(s => s.Chain.Conversations);

    /// <summary>The range of the static stage, or of the active epoch's stage of an orchestrated peer.</summary>
    /// <exception cref="InvalidOperationException">An orchestrated peer hosts nothing in the active epoch (or none is committed yet).</exception>
    public SegmentChain Chain => (Volatile.Read(ref _current) ?? throw new InvalidOperationException("This orchestrated peer hosts no range in the active epoch.")).Chain;

    /// <summary>The live re-split of an orchestrated peer; null for a static one.</summary>
    public ILayoutHost? Layouts => _layouts;

    /// <summary>The stages loaded now (a snapshot).</summary>
    internal IReadOnlyList<PeerStage> Stages => Volatile.Read(ref _stages);

    /// <summary>Subscribes a static stage to its shared topic and its own topic; an orchestrated peer subscribes as it prepares layouts.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_layouts is not null)
        {
            RoleLog.Orchestrated(_logger, "peer", _options.Node, _model);
            await _client.SubscribeAsync(_kvTopic, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
            return;
        }

        var stage = _stages[0];
        RoleLog.Serving(_logger, "peer", _options.Node, stage.Chain.Range.First, stage.Chain.Range.Last, _model, _options.PlanEpoch, _options.Codec.ToString());
        await _client.SubscribeAsync(_topics.ActivationSharedSubscription(_model, stage.Boundary), MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        await _client.SubscribeAsync(stage.OwnTopic, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves until cancelled (an orchestrated peer also releases old layouts).</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var messages = _client.RunMessageHandlerAsync((m, ct) => HandleAsync(m, ct), cancellationToken);
        return _layouts is null ? messages : Task.WhenAll(messages, _layouts.RunReleaseAsync(cancellationToken));
    }

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
        lock (_sync)
        {
            foreach (var stage in _stages)
            {
                stage.Dispose();
            }

            _stages = [];
            _current = null;
        }
    }

    /// <summary>Opens <paramref name="layout"/>'s range as a stage (slow: loads its segments); not yet serving.</summary>
    internal PeerStage OpenStage(BlockLibrary library, NodeLayout layout)
    {
        var chain = library.Open(library.Range(layout.FirstBlock, layout.EndBlock), new ChainOptions { ContextLimit = _options.ContextLimit });
        try
        {
            return new PeerStage(layout.Epoch, chain, layout.OutgoingCodec, _options, _topics, _modelId, _sampling) { Layers = library.Range(layout.FirstBlock, layout.EndBlock) };
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    /// <summary>Starts handing <paramref name="stage"/> the frames of its epoch.</summary>
    internal void Add(PeerStage stage)
    {
        lock (_sync)
        {
            Volatile.Write(ref _stages, [.. _stages, stage]);
        }
    }

    /// <summary>Takes the stages that match out of service (after the step running now); the caller disposes them.</summary>
    internal List<PeerStage> Remove(Func<PeerStage, bool> match)
    {
        lock (_sync)
        {
            var removed = _stages.Where(match).ToList();
            if (removed.Count > 0)
            {
                Volatile.Write(ref _stages, [.. _stages.Except(removed)]);
                if (_current is not null && removed.Contains(_current))
                {
                    _current = null;
                }
            }

            return removed;
        }
    }

    /// <summary>Makes the stage of <paramref name="epoch"/> (if any) the one <see cref="Chain"/> names.</summary>
    internal void Activate(uint epoch)
    {
        lock (_sync)
        {
            Volatile.Write(ref _current, _stages.FirstOrDefault(s => s.Epoch == epoch));
        }
    }

    internal void Reject(in MqttReceivedMessage message, string reason)
    {
        var n = Interlocked.Increment(ref _rejected);
        RoleLog.Rejected(_logger, message.Topic, reason, n);
        Traffic?.Invoke(RoleTrafficKind.Rejected, message.Payload.Length);
    }

    internal void Count(RoleTrafficKind kind, int bytes) => Traffic?.Invoke(kind, bytes);

    internal void OnReplayed(in FrameHeader header)
    {
        Interlocked.Increment(ref _replayed);
        RoleLog.Replayed(_logger, header.Step, header.SessionId);
    }

    internal void StepFailed(in FrameHeader header, string reason) => RoleLog.StepFailed(_logger, header.Step, header.SessionId, reason);

    internal void OnServed(StageTiming timing, bool prefill)
    {
        Interlocked.Increment(ref _served);
        StepServed?.Invoke(timing, prefill);
    }

    /// <summary>The messages to publish for <paramref name="message"/>, or null when it was rejected.</summary>
    private List<MqttApplicationMessage>? Step(in MqttReceivedMessage message)
    {
        lock (_sync)
        {
            if (_handover is not null && string.Equals(message.Topic, _kvTopic, StringComparison.Ordinal))
            {
                return _handover.Handle(message, _stages);
            }

            return Route(message) is { } stage ? stage.Step(message, this) : null;
        }
    }

    /// <summary>The stage a frame is for: the static one, or the one of the frame's plan epoch (else it is rejected).</summary>
    private PeerStage? Route(in MqttReceivedMessage message)
    {
        if (_layouts is null)
        {
            return _stages[0];
        }

        if (!FrameReader.TryPeekPlanEpoch(message.Payload.Span, out var epoch))
        {
            Reject(message, "not an activation frame");
            return null;
        }

        foreach (var stage in _stages)
        {
            if (stage.Epoch == epoch)
            {
                return stage;
            }
        }

        Reject(message, "frame for plan epoch " + epoch + "; this node has loaded epochs [" + string.Join(", ", _stages.Select(s => s.Epoch)) + "]");
        return null;
    }
}
