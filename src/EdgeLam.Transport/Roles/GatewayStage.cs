using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Links;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// The first stage: runs the gateway's segments on a request's tokens, publishes the activation frame, and waits for
/// the last stage's token to run the next decode step. New sessions go to the next stage's shared subscription; once a
/// peer answered, later steps go to that peer's own topic (it holds the KV cache). A step with no reply is sent again
/// (peers answer repeats from their replay cache); a peer that stays silent is replaced by re-running the conversation
/// so far as a prefill on whichever peer takes it — no request is lost while some peer serves the stage.
/// </summary>
public sealed class GatewayStage : IDisposable
{
    private readonly NodeRoleOptions _options;
    private readonly MqttClient _client;
    private readonly ILogger _logger;
    private readonly SegmentChain _chain;
    private readonly BoundaryFrameCodec _outgoing;
    private readonly TopicScheme _topics;
    private readonly ModelId _modelId;
    private readonly string _model;
    private readonly string _replies;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<(Guid Session, uint Step), TaskCompletionSource<StepReply>> _pending = new();
    private long _requests;
    private long _resent;
    private long _rehomed;
    private long _rejected;

    /// <summary>Opens the gateway's segments; call <see cref="StartAsync"/>, run <see cref="RunAsync"/>, then generate.</summary>
    public GatewayStage(NodeRoleOptions options, OnnxRuntime runtime, MqttClient client, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(client);
        options.ThrowIfInvalid();

        if (options.FirstSegment != 0)
        {
            throw new ArgumentException("The gateway runs segment 0 (Node:Segments must start at 0).", nameof(options));
        }

        _options = options;
        _client = client;
        _logger = logger ?? NullLogger.Instance;
        _topics = new TopicScheme(options.Site);
        _modelId = SplitModelIdentity.Read(options.ModelDirectory);
        _model = _modelId.ToString();
        _replies = _topics.NodeReplies(options.Node);
        _chain = SegmentChain.Open(runtime, options.ModelDirectory, 0, options.LastSegment, new ChainOptions { ContextLimit = options.ContextLimit });
        if (_chain.Range.IsLast)
        {
            _chain.Dispose();
            throw new ArgumentException("The gateway hosts every segment (0-" + options.LastSegment + "); nothing is left for peers.", nameof(options));
        }

        if (!_chain.Segments[0].Signature.TakesInputIds)
        {
            var name = _chain.Segments[0].Name;
            _chain.Dispose();
            throw new InferenceException("Segment 0 (" + name + ") takes no input_ids; the gateway feeds token ids.");
        }

        _outgoing = new BoundaryFrameCodec(_chain.Range.OutgoingBoundary, _chain.OutgoingNames, options.Codec);
    }

    /// <summary>Raised for every activation frame published and every reply rejected, with its size in bytes.</summary>
    public event Action<StageTrafficKind, int>? Traffic;

    /// <summary>The gateway's range of the model (the first).</summary>
    public SegmentChain Chain => _chain;

    /// <summary>Steps sent again after a timeout.</summary>
    public long Resent => Interlocked.Read(ref _resent);

    /// <summary>Conversations moved to another peer after theirs went silent.</summary>
    public long Rehomed => Interlocked.Read(ref _rehomed);

    /// <summary>Replies that matched no pending step (duplicates, late answers) or could not be read.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>The model id (hex) used in topics and frames.</summary>
    public string ModelId => _model;

    /// <summary>Subscribes to this gateway's reply topic.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RoleLog.Serving(_logger, "gateway", _options.Node, 0, _chain.Range.Last, _model, _options.PlanEpoch, _options.Codec.ToString());
        await _client.SubscribeAsync(_replies, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes replies until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _client.RunMessageHandlerAsync((m, _) =>
        {
            OnReply(m);
            return ValueTask.CompletedTask;
        }, cancellationToken);

    /// <summary>Where the gateway's segments take embeddings, or null when the model cannot start from embeddings.</summary>
    public Inference.Segments.EmbeddingEntry? Embedding => _chain.Embedding;

    /// <summary>
    /// Generates up to <paramref name="maxNewTokens"/> tokens after <paramref name="prompt"/> across the stages;
    /// stops early at a token of <paramref name="stopTokens"/>.
    /// </summary>
    /// <exception cref="InferenceException">No stage answered a step after every attempt.</exception>
    public Task<GatewayGeneration> GenerateAsync(IReadOnlyList<long> prompt, int maxNewTokens, IReadOnlyCollection<long>? stopTokens = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0)
        {
            throw new ArgumentException("The prompt is empty.", nameof(prompt));
        }

        return GenerateAsync(GatewayRequest.FromTokens(prompt), maxNewTokens, stopTokens, cancellationToken);
    }

    /// <summary>
    /// Generates up to <paramref name="maxNewTokens"/> tokens after the request's input (token ids and/or embedding
    /// rows) across the stages; stops early at a token of <paramref name="stopTokens"/>. The request's window
    /// metadata travels with every step (user property <c>edgelam-window</c>) and comes back in the results.
    /// </summary>
    /// <exception cref="InferenceException">No stage answered a step after every attempt, or the model cannot take the input.</exception>
    /// <exception cref="EmbeddingShapeException">Embedding rows do not have the model's hidden size.</exception>
    /// <exception cref="ContextOverflowException">The input and the tokens would exceed the context limit.</exception>
    public async Task<GatewayGeneration> GenerateAsync(GatewayRequest input, int maxNewTokens, IReadOnlyCollection<long>? stopTokens = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Positions == 0)
        {
            throw new ArgumentException("The request has no input.", nameof(input));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNewTokens);
        var window = EncodeWindow(input.Window);
        CheckEmbeddings(input);
        stopTokens ??= [];
        var request = (ulong)Interlocked.Increment(ref _requests);
        var session = Guid.NewGuid();
        var route = new Dictionary<string, string>(StringComparer.Ordinal);
        var tokens = new List<long>(maxNewTokens);
        var steps = new List<GatewayStep>(maxNewTokens);
        var stops = string.Join(',', stopTokens.Select(t => t.ToString(CultureInfo.InvariantCulture)));
        var boundary = _chain.Range.OutgoingBoundary.ToString(CultureInfo.InvariantCulture);
        var prefillNext = true;
        try
        {
            for (uint step = 0; ; step++)
            {
                var stepStart = Stopwatch.GetTimestamp();
                var stepStartUs = RouteHeader.NowUs();
                var tuning = _options.Tuning; // one snapshot per step: a reload applies from the next step
                var (frame, timing, positions) = await RunLocalAsync(session, step, request, prefillNext ? input : null, tokens, cancellationToken).ConfigureAwait(false);
                StepReply? reply = null;
                for (var attempt = 1; attempt <= tuning.MaxAttempts && reply is null; attempt++)
                {
                    var topic = route.TryGetValue(boundary, out var holder)
                        ? _topics.PeerActivation(_model, _chain.Range.OutgoingBoundary, holder)
                        : _topics.Activation(_model, _chain.Range.OutgoingBoundary);
                    var waiter = new TaskCompletionSource<StepReply>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pending[(session, step)] = waiter;
                    await _client.PublishAsync(Activation(topic, frame, positions, route, timing, stepStartUs, maxNewTokens, stops, window), cancellationToken).ConfigureAwait(false);
                    Traffic?.Invoke(StageTrafficKind.FrameSent, frame.Length);
                    try
                    {
                        reply = await waiter.Task.WaitAsync(tuning.StepTimeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        Interlocked.Increment(ref _resent);
                        RoleLog.Resending(_logger, step, request, tuning.StepTimeout, attempt + 1);
                        if (holder is not null && attempt % 3 == 0)
                        {
                            // The peer holding the session is silent: run the conversation so far (the request's
                            // input and the tokens generated) as a prefill on whichever peer of the stage takes it.
                            Interlocked.Increment(ref _rehomed);
                            route.Clear();
                            _pending.TryRemove((session, step), out _);
                            await DropLocalAsync(session).ConfigureAwait(false);
                            session = Guid.NewGuid();
                            (frame, timing, positions) = await RunLocalAsync(session, step, request, input, tokens, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        _pending.TryRemove((session, step), out _);
                    }
                }

                if (reply is null)
                {
                    throw new InferenceException("Request " + request + ": no stage answered step " + step + " after " + tuning.MaxAttempts + " attempts of " + tuning.StepTimeout + ".");
                }

                prefillNext = false;
                foreach (var (b, node) in reply.Route)
                {
                    route[b] = node;
                }

                tokens.Add(reply.Token);
                // The reply's stages start with the gateway's own timing (carried in the frame's timings header).
                steps.Add(new GatewayStep(step, reply.Token, Stopwatch.GetElapsedTime(stepStart), reply.Stages));
                if (tokens.Count >= maxNewTokens || stopTokens.Contains(reply.Token))
                {
                    return new GatewayGeneration(session, request, tokens, steps, input.Window);
                }
            }
        }
        finally
        {
            await DropLocalAsync(session).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _outgoing.Dispose();
        _chain.Dispose();
        _gate.Dispose();
    }

    private async Task<(byte[] Frame, StageTiming Timing, int Positions)> RunLocalAsync(Guid session, uint step, ulong request, GatewayRequest? prefill, List<long> generated, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var waited = Stopwatch.GetTimestamp();
            if (prefill is not null && _chain.Length(session) > 0)
            {
                _chain.Drop(session);
            }

            var positions = prefill is null ? RunDecode(session, generated[^1]) : RunPrefill(session, prefill, generated);
            var encodeStart = Stopwatch.GetTimestamp();
            var header = new FrameHeader
            {
                Flags = prefill is not null ? FrameFlags.Prefill : FrameFlags.None,
                SessionId = session,
                RequestId = request,
                Step = step,
                PlanEpoch = _options.PlanEpoch,
                ModelId = _modelId,
                BoundaryIndex = (ushort)_chain.Range.OutgoingBoundary,
            };
            var frame = _outgoing.Encode(_chain.Outgoing, header).ToArray();
            var timing = new StageTiming
            {
                Node = _options.Node,
                FirstSegment = 0,
                ComputeUs = _chain.LastComputeTicks * 1_000_000 / Stopwatch.Frequency,
                EncodeUs = Stopwatch.GetElapsedTime(encodeStart).Ticks / 10,
                QueueUs = Stopwatch.GetElapsedTime(waited).Ticks / 10 - (_chain.LastComputeTicks * 1_000_000 / Stopwatch.Frequency) - (Stopwatch.GetElapsedTime(encodeStart).Ticks / 10),
            };
            return (frame, timing with { QueueUs = Math.Max(0, timing.QueueUs) }, positions);
        }
        finally
        {
            _gate.Release();
        }
    }

    private int RunDecode(Guid session, long token)
    {
        _chain.RunTokens(session, new ReadOnlySpan<long>(in token));
        return 1;
    }

    /// <summary>
    /// Runs the request's input and the tokens generated so far as one prefill: ids alone as a token step; with
    /// embeddings, every id run is embedded by the model's embedding segment and all rows go in one step.
    /// </summary>
    private int RunPrefill(Guid session, GatewayRequest input, List<long> generated)
    {
        var total = input.Positions + generated.Count;
        if (!input.HasEmbeddings)
        {
            var ids = new long[total];
            var at = 0;
            foreach (var part in input.Parts)
            {
                part.Ids!.CopyTo(ids, at);
                at += part.Positions;
            }

            generated.CopyTo(ids, at);
            _chain.RunTokens(session, ids);
            return total;
        }

        var first = input.Parts.First(p => p.Embeddings is not null);
        var hidden = first.Embeddings!.Length / first.Positions;
        var rows = new float[(long)total * hidden];
        var position = 0;
        foreach (var part in input.Parts)
        {
            var span = rows.AsSpan(position * hidden, part.Positions * hidden);
            if (part.Embeddings is { } embeddings)
            {
                embeddings.CopyTo(span);
            }
            else
            {
                _chain.EmbedTokens(part.Ids!, position, span);
            }

            position += part.Positions;
        }

        if (generated.Count > 0)
        {
            _chain.EmbedTokens(CollectionsMarshal.AsSpan(generated), position, rows.AsSpan(position * hidden));
        }

        _chain.RunEmbeddings(session, rows, total);
        return total;
    }

    private void CheckEmbeddings(GatewayRequest input)
    {
        if (!input.HasEmbeddings)
        {
            return;
        }

        var entry = _chain.Embedding ?? throw new InferenceException("The gateway's model cannot start from embeddings: segment 0 takes no inputs_embeds and is not an embedding-only segment followed by a hosted segment.");
        int? hidden = null;
        foreach (var part in input.Parts)
        {
            if (part.Embeddings is { } e)
            {
                var rowSize = e.Length / part.Positions;
                hidden ??= rowSize;
                if (rowSize != hidden || (entry.HiddenSize > 0 && rowSize != entry.HiddenSize))
                {
                    throw new EmbeddingShapeException("Embedding rows of " + rowSize + " values do not fit the model's hidden size " + (entry.HiddenSize > 0 ? entry.HiddenSize : hidden) + ".", entry.HiddenSize, rowSize);
                }
            }
            else if (!entry.CanEmbedTokens)
            {
                throw new InferenceException("The gateway's segment 0 takes inputs_embeds directly; token ids cannot be mixed with embeddings.");
            }
        }
    }

    private static string? EncodeWindow(RequestWindow? window)
    {
        if (window is null)
        {
            return null;
        }

        if (window.Problem() is { } problem)
        {
            throw new ArgumentException("The request's window metadata is invalid: " + problem + ".", nameof(window));
        }

        var encoded = window.Encode();
        return encoded.Length <= RequestWindow.MaxEncodedBytes
            ? encoded
            : throw new ArgumentException("The request's window metadata takes " + encoded.Length + " characters; at most " + RequestWindow.MaxEncodedBytes + " travel.", nameof(window));
    }

    private async Task DropLocalAsync(Guid session)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _chain.Drop(session);
        }
        finally
        {
            _gate.Release();
        }
    }

    private MqttApplicationMessage Activation(string topic, byte[] frame, int positions, Dictionary<string, string> route, StageTiming timing, long stepStartUs, int maxNewTokens, string stops, string? window)
    {
        List<MqttUserProperty> properties =
                [
                    new MqttUserProperty(RouteHeader.Gateway, _options.Node),
                    new MqttUserProperty(RouteHeader.Positions, positions.ToString(CultureInfo.InvariantCulture)),
                    new MqttUserProperty(RouteHeader.Route, RouteHeader.FormatRoute(route)),
                    new MqttUserProperty(RouteHeader.Timings, JsonSerializer.Serialize(new List<StageTiming> { timing }, RoleJsonContext.Default.ListStageTiming)),
                    new MqttUserProperty(RouteHeader.StepStart, RouteHeader.FormatUs(stepStartUs)),
                    new MqttUserProperty(RouteHeader.SentAt, RouteHeader.FormatUs(RouteHeader.NowUs())),
                    new MqttUserProperty(RouteHeader.Limit, maxNewTokens.ToString(CultureInfo.InvariantCulture)),
                    new MqttUserProperty(RouteHeader.Stop, stops),
                ];
        if (window is not null)
        {
            properties.Add(new MqttUserProperty(RouteHeader.Window, window));
        }

        return new(topic, frame)
        {
            Properties = new MqttMessageProperties
            {
                ResponseTopic = _replies,
                ContentType = "application/vnd.edgelam.frame",
                UserProperties = properties,
            },
        };
    }

    private void OnReply(MqttReceivedMessage message)
    {
        StepReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize(message.Payload.Span, RoleJsonContext.Default.StepReply);
        }
        catch (JsonException ex)
        {
            Interlocked.Increment(ref _rejected);
            RoleLog.Rejected(_logger, message.Topic, "unreadable reply: " + ex.Message, Rejected);
            Traffic?.Invoke(StageTrafficKind.Rejected, message.Payload.Length);
            return;
        }

        if (reply is null || !_pending.TryGetValue((reply.Session, reply.Step), out var waiter) || !waiter.TrySetResult(reply))
        {
            Interlocked.Increment(ref _rejected);
            Traffic?.Invoke(StageTrafficKind.Rejected, message.Payload.Length);
        }
    }
}

/// <summary>One step as the gateway saw it.</summary>
public sealed record GatewayStep(uint Step, long Token, TimeSpan Elapsed, IReadOnlyList<StageTiming> Stages);

/// <summary>A finished request.</summary>
public sealed record GatewayGeneration(Guid Session, ulong Request, IReadOnlyList<long> Tokens, IReadOnlyList<GatewayStep> Steps, RequestWindow? Window = null);
