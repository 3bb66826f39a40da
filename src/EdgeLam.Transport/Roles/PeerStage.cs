using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Inference.Sampling;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// A stage after the gateway: takes activation frames of new sessions from its stage's MQTT 5 shared subscription
/// and later steps of the sessions it holds from its own topic, runs its segments, and either forwards the next frame
/// or — as the last stage — samples the token, answers the gateway and publishes the result. Anything malformed, for
/// another model or epoch, or for a session it does not hold is counted and rejected; the stage keeps serving.
/// </summary>
public sealed class PeerStage : IDisposable
{
    private readonly NodeRoleOptions _options;
    private readonly MqttClient _client;
    private readonly ILogger _logger;
    private readonly SegmentChain _chain;
    private readonly BoundaryFrameCodec _incoming;
    private readonly BoundaryFrameCodec? _outgoing;
    private readonly TopicScheme _topics;
    private readonly ModelId _modelId;
    private readonly string _model;
    private readonly TokenSampler? _sampler;
    private readonly ReplayCache _replay;
    private readonly float[] _probabilities;
    private long _served;
    private long _rejected;
    private long _replayed;

    /// <summary>Opens the stage's segments; call <see cref="StartAsync"/> then <see cref="RunAsync"/>.</summary>
    public PeerStage(NodeRoleOptions options, OnnxRuntime runtime, MqttClient client, ILogger? logger = null, SamplingOptions? sampling = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(client);
        options.ThrowIfInvalid();

        if (options.FirstSegment == 0)
        {
            throw new ArgumentException("A peer stage starts after segment 0; the gateway runs segment 0.", nameof(options));
        }

        _options = options;
        _client = client;
        _logger = logger ?? NullLogger.Instance;
        _topics = new TopicScheme(options.Site);
        _modelId = SplitModelIdentity.Read(options.ModelDirectory);
        _model = _modelId.ToString();
        _chain = SegmentChain.Open(runtime, options.ModelDirectory, options.FirstSegment, options.LastSegment, new ChainOptions { ContextLimit = options.ContextLimit });
        _incoming = new BoundaryFrameCodec(_chain.Range.IncomingBoundary, _chain.IncomingNames, options.Codec);
        _outgoing = _chain.Range.IsLast ? null : new BoundaryFrameCodec(_chain.Range.OutgoingBoundary, _chain.OutgoingNames, options.Codec);
        _sampler = _chain.Range.IsLast ? new TokenSampler(_chain.VocabularySize, sampling ?? SamplingOptions.Greedy) : null;
        _probabilities = new float[_chain.VocabularySize];
        _replay = new ReplayCache(options.ReplayCacheSessions);
    }

    /// <summary>Steps run.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Messages rejected (corrupt, foreign model or epoch, unknown session).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Steps answered again from the replay cache.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Raised after each step this stage ran, with its own timing and whether it was a prefill (on the message loop: keep it quick).</summary>
    public event Action<StageTiming, bool>? StepServed;

    /// <summary>Raised for every frame received, frame sent downstream and message rejected, with its size in bytes.</summary>
    public event Action<StageTrafficKind, int>? Traffic;

    /// <summary>Conversations this stage holds.</summary>
    public int Sessions => _chain.Conversations;

    /// <summary>The stage's range of the model (segments, boundaries).</summary>
    public SegmentChain Chain => _chain;

    /// <summary>Subscribes to the stage's shared topic and to this node's own topic for the sessions it holds.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RoleLog.Serving(_logger, "peer", _options.Node, _chain.Range.First, _chain.Range.Last, _model, _options.PlanEpoch, _options.Codec.ToString());
        await _client.SubscribeAsync(_topics.ActivationSharedSubscription(_model, _chain.Range.IncomingBoundary), MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        await _client.SubscribeAsync(_topics.PeerActivation(_model, _chain.Range.IncomingBoundary, _options.Node), MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _client.RunMessageHandlerAsync((m, ct) => HandleAsync(m, ct), cancellationToken);

    /// <summary>Handles one message (public for tests that drive the stage directly).</summary>
    public async ValueTask HandleAsync(MqttReceivedMessage message, CancellationToken cancellationToken)
    {
        var receivedUs = RouteHeader.NowUs();
        var t0 = Stopwatch.GetTimestamp();
        if (!TopicScheme.TryParse(message.Topic, out var parsed) || parsed.Kind is not (TopicKind.Activation or TopicKind.PeerActivation))
        {
            Reject(message, "not an activation topic");
            return;
        }

        FrameHeader header;
        ReadOnlySpan<Onnx.Interop.OrtValue> values;
        try
        {
            values = _incoming.Decode(message.Payload.Span, out header);
        }
        catch (FrameDecodeException ex)
        {
            Reject(message, ex.Message);
            return;
        }

        Traffic?.Invoke(StageTrafficKind.FrameReceived, message.Payload.Length);

        if (header.ModelId != _modelId)
        {
            Reject(message, "frame for model " + header.ModelId + "; this stage serves " + _model);
            return;
        }

        if (header.PlanEpoch != _options.PlanEpoch)
        {
            Reject(message, "frame for plan epoch " + header.PlanEpoch + "; this stage runs epoch " + _options.PlanEpoch);
            return;
        }

        var props = message.Properties.UserProperties;
        var gateway = RouteHeader.Find(props, RouteHeader.Gateway);
        var responseTopic = message.Properties.ResponseTopic;
        if (!TopicScheme.IsValidName(gateway) || string.IsNullOrEmpty(responseTopic))
        {
            Reject(message, "activation without a gateway or response topic");
            return;
        }

        var positions = RouteHeader.ParseUs(RouteHeader.Find(props, RouteHeader.Positions));
        if (positions <= 0 || positions > _options.ContextLimit)
        {
            Reject(message, "activation without a valid position count (" + RouteHeader.Positions + ")");
            return;
        }

        RequestWindow? window = null;
        if (RouteHeader.Find(props, RouteHeader.Window) is { } windowProperty && !RequestWindow.TryDecode(windowProperty, out window, out var windowProblem))
        {
            Reject(message, "bad " + RouteHeader.Window + ": " + windowProblem);
            return;
        }

        var prefill = (header.Flags & FrameFlags.Prefill) != 0;
        var known = _replay.TryGet(header.SessionId, out var entry);
        if (known && header.Step == entry.Step)
        {
            Interlocked.Increment(ref _replayed);
            RoleLog.Replayed(_logger, header.Step, header.SessionId);
            foreach (var m in entry.Sent)
            {
                await _client.PublishAsync(m, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (known && header.Step < entry.Step)
        {
            Reject(message, "step " + header.Step + " of session " + header.SessionId + " is older than the held step " + entry.Step);
            return;
        }

        if (!prefill && (!known || header.Step != entry.Step + 1 || _chain.Length(header.SessionId) == 0))
        {
            Reject(message, "step " + header.Step + " of session " + header.SessionId + " continues a conversation this stage does not hold");
            return;
        }

        if (prefill && _chain.Length(header.SessionId) > 0)
        {
            _chain.Drop(header.SessionId);
        }

        var decodedUs = Micros(Stopwatch.GetTimestamp() - t0);
        try
        {
            _chain.RunIncoming(header.SessionId, values, (int)positions);
        }
        catch (Exception ex) when (ex is InferenceException or OrtException or ArgumentException)
        {
            RoleLog.StepFailed(_logger, header.Step, header.SessionId, ex.Message);
            _chain.Drop(header.SessionId);
            _replay.Remove(header.SessionId);
            Reject(message, ex.Message);
            return;
        }

        var computeUs = Micros(_chain.LastComputeTicks);
        entry = _replay.GetOrAdd(header.SessionId);
        if (prefill)
        {
            entry.Tokens.Clear();
        }

        entry.Sent.Clear();
        entry.Step = header.Step;
        var route = RouteHeader.ParseRoute(RouteHeader.Find(props, RouteHeader.Route));
        route[_chain.Range.IncomingBoundary.ToString(CultureInfo.InvariantCulture)] = _options.Node;
        var timings = ParseTimings(RouteHeader.Find(props, RouteHeader.Timings));
        var sentUs = RouteHeader.ParseUs(RouteHeader.Find(props, RouteHeader.SentAt));
        var wireUs = ParseWire(props) + Math.Max(0, receivedUs - sentUs);
        var encodeStart = Stopwatch.GetTimestamp();
        if (_outgoing is not null)
        {
            var next = header with { BoundaryIndex = (ushort)_chain.Range.OutgoingBoundary };
            var frame = _outgoing.Encode(_chain.Outgoing, next).ToArray();
            Traffic?.Invoke(StageTrafficKind.FrameSent, frame.Length);
            timings.Add(new StageTiming { Node = _options.Node, FirstSegment = _chain.Range.First, ComputeUs = computeUs, DecodeUs = decodedUs, EncodeUs = Micros(Stopwatch.GetTimestamp() - encodeStart) });
            var boundary = _chain.Range.OutgoingBoundary.ToString(CultureInfo.InvariantCulture);
            var topic = route.TryGetValue(boundary, out var holder)
                ? _topics.PeerActivation(_model, _chain.Range.OutgoingBoundary, holder)
                : _topics.Activation(_model, _chain.Range.OutgoingBoundary);
            entry.Sent.Add(new MqttApplicationMessage(topic, frame)
            {
                Properties = message.Properties with
                {
                    UserProperties = WithHeaders(props, route, timings, wireUs),
                },
            });
        }
        else
        {
            var token = _sampler!.Sample(_chain.Logits);
            entry.Tokens.Add(token);
            var topK = TopK(_chain.Logits, _options.Tuning.ResultTopK);
            timings.Add(new StageTiming { Node = _options.Node, FirstSegment = _chain.Range.First, ComputeUs = computeUs, DecodeUs = decodedUs, EncodeUs = Micros(Stopwatch.GetTimestamp() - encodeStart) });
            var reply = new StepReply
            {
                Session = header.SessionId,
                Request = header.RequestId,
                Step = header.Step,
                Token = token,
                Route = route,
                TopK = topK,
                Stages = timings,
            };
            var limit = RouteHeader.ParseUs(RouteHeader.Find(props, RouteHeader.Limit));
            var stops = RouteHeader.Find(props, RouteHeader.Stop);
            var final = (limit > 0 && header.Step + 1 >= limit) || IsStop(stops, token);
            var result = new InferenceResult
            {
                Gateway = gateway!,
                Session = header.SessionId,
                Request = header.RequestId,
                Step = header.Step,
                Tokens = [.. entry.Tokens],
                TopK = topK,
                Final = final,
                PlanEpoch = header.PlanEpoch,
                ModelId = _model,
                Stages = timings,
                WireUs = wireUs,
                StepUs = Math.Max(0, RouteHeader.NowUs() - RouteHeader.ParseUs(RouteHeader.Find(props, RouteHeader.StepStart))),
                Window = window,
            };
            entry.Sent.Add(new MqttApplicationMessage(responseTopic, JsonSerializer.SerializeToUtf8Bytes(reply, RoleJsonContext.Default.StepReply))
            {
                Properties = new MqttMessageProperties { CorrelationData = message.Properties.CorrelationData, ContentType = "application/json" },
            });
            entry.Sent.Add(new MqttApplicationMessage(_topics.Results(gateway!), JsonSerializer.SerializeToUtf8Bytes(result, RoleJsonContext.Default.InferenceResult))
            {
                Properties = new MqttMessageProperties { ContentType = "application/json" },
            });
            if (final)
            {
                _chain.Drop(header.SessionId);
            }
        }

        Interlocked.Increment(ref _served);
        StepServed?.Invoke(timings[^1], prefill);
        foreach (var m in entry.Sent)
        {
            await _client.PublishAsync(m, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _incoming.Dispose();
        _outgoing?.Dispose();
        _chain.Dispose();
    }

    private static List<MqttUserProperty> WithHeaders(IReadOnlyList<MqttUserProperty>? props, Dictionary<string, string> route, List<StageTiming> timings, long wireUs)
    {
        var list = new List<MqttUserProperty>();
        if (props is not null)
        {
            foreach (var p in props)
            {
                if (p.Name is not (RouteHeader.Route or RouteHeader.Timings or RouteHeader.SentAt or RouteHeader.Wire))
                {
                    list.Add(p);
                }
            }
        }

        list.Add(new MqttUserProperty(RouteHeader.Route, RouteHeader.FormatRoute(route)));
        list.Add(new MqttUserProperty(RouteHeader.Timings, JsonSerializer.Serialize(timings, RoleJsonContext.Default.ListStageTiming)));
        list.Add(new MqttUserProperty(RouteHeader.Wire, RouteHeader.FormatUs(wireUs)));
        list.Add(new MqttUserProperty(RouteHeader.SentAt, RouteHeader.FormatUs(RouteHeader.NowUs())));
        return list;
    }

    private static long ParseWire(IReadOnlyList<MqttUserProperty>? props) => RouteHeader.ParseUs(RouteHeader.Find(props, RouteHeader.Wire));

    private static List<StageTiming> ParseTimings(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(json, RoleJsonContext.Default.ListStageTiming) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static bool IsStop(string? stops, long token)
    {
        if (string.IsNullOrEmpty(stops))
        {
            return false;
        }

        foreach (var s in stops.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && t == token)
            {
                return true;
            }
        }

        return false;
    }

    private List<TokenProbability> TopK(ReadOnlySpan<float> logits, int k)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            _probabilities[i] = MathF.Exp(logits[i] - max);
            sum += _probabilities[i];
        }

        var best = new List<TokenProbability>(k);
        for (var n = 0; n < Math.Min(k, logits.Length); n++)
        {
            var arg = -1;
            for (var i = 0; i < logits.Length; i++)
            {
                if (_probabilities[i] >= 0 && (arg < 0 || _probabilities[i] > _probabilities[arg]))
                {
                    arg = i;
                }
            }

            best.Add(new TokenProbability(arg, (float)(_probabilities[arg] / sum)));
            _probabilities[arg] = -1;
        }

        return best;
    }

    private void Reject(MqttReceivedMessage message, string reason)
    {
        var n = Interlocked.Increment(ref _rejected);
        RoleLog.Rejected(_logger, message.Topic, reason, n);
        Traffic?.Invoke(StageTrafficKind.Rejected, message.Payload.Length);
    }

    private static long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}
