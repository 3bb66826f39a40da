using System.Diagnostics;
using System.Text.Json;
using EdgeLam.Inference;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Handover;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// The gateway, the first stage: for each step runs its own segments (<see cref="GatewayCompute"/>), hands the frame
/// and the request's <see cref="ActivationEnvelope"/> to its <see cref="StepDispatcher"/> (shared topic for a new
/// conversation, the holding peer's own topic afterwards; resend and re-home when a peer is silent), and feeds the
/// token of the last stage's reply into the next decode step — no request is lost while some peer serves the stage.
/// Each step's result goes to <c>results/{gateway}</c> from the one reply accepted for it.
/// </summary>
public sealed class GatewayRole : IDisposable
{
    private readonly NodeRoleOptions _options;
    private readonly MqttClient _client;
    private readonly ILogger _logger;
    private readonly GatewayLayout? _static;
    private readonly GatewayLayouts? _layouts;
    private readonly GatewayHandover? _handover;
    private readonly StepDispatcher _dispatcher;
    private readonly string _model;
    private readonly string _replies;
    private readonly string _results;
    private long _requests;
    private long _moved;

    /// <summary>
    /// Opens the gateway's segments (static) or the per-block split (orchestrated: no layout until the agreement
    /// commits one through <see cref="Layouts"/>); call <see cref="StartAsync"/>, run <see cref="RunAsync"/>, then generate.
    /// </summary>
    /// <exception cref="InferenceException">Segment 0 takes no token ids, or an orchestrated node's folder is not a per-block split.</exception>
    public GatewayRole(NodeRoleOptions options, OnnxRuntime runtime, MqttClient client, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(client);
        options.ThrowIfInvalid();

        if (options.Orchestrated is null && options.FirstSegment != 0)
        {
            throw new ArgumentException("The gateway runs segment 0 (Node:Segments must start at 0).", nameof(options));
        }

        if (options.Orchestrated == LayoutRole.Peer)
        {
            throw new ArgumentException("An orchestrated peer runs the peer role.", nameof(options));
        }

        _options = options;
        _client = client;
        _logger = logger ?? NullLogger.Instance;
        var topics = new TopicScheme(options.Site);
        var modelId = SplitModelIdentity.Read(options.ModelDirectory);
        _model = modelId.ToString();
        _replies = topics.NodeReplies(options.Node);
        _results = topics.Results(options.Node);
        _dispatcher = new StepDispatcher(client, topics, _model, _logger);
        if (options.Orchestrated is not null)
        {
            var library = BlockLibrary.PerBlock(runtime, options.ModelDirectory);
            _layouts = new GatewayLayouts(library, options, modelId, _logger);
            _handover = new GatewayHandover(client, library.Map, topics, options, modelId, _logger);
            return;
        }

        var chain = SegmentChain.Open(runtime, options.ModelDirectory, 0, options.LastSegment, new ChainOptions { ContextLimit = options.ContextLimit });
        if (chain.Range.IsLast)
        {
            chain.Dispose();
            throw new ArgumentException("The gateway hosts every segment (0-" + options.LastSegment + "); nothing is left for peers.", nameof(options));
        }

        if (!chain.Segments[0].Signature.TakesInputIds)
        {
            var name = chain.Segments[0].Name;
            chain.Dispose();
            throw new InferenceException("Segment 0 (" + name + ") takes no input_ids; the gateway feeds token ids.");
        }

        _static = new GatewayLayout(options.PlanEpoch, null, chain, options, modelId);
    }

    /// <summary>Raised for every activation frame published and every reply rejected, with its size in bytes.</summary>
    public event Action<RoleTrafficKind, int>? Traffic
    {
        add => _dispatcher.Traffic += value;
        remove => _dispatcher.Traffic -= value;
    }

    /// <summary>The gateway's range of the model (the first): the static one, or the active epoch's.</summary>
    /// <exception cref="InvalidOperationException">An orchestrated gateway before the first commit.</exception>
    public SegmentChain Chain => (_static ?? _layouts!.Active ?? throw new InvalidOperationException("No layout is committed on this orchestrated gateway yet.")).Chain;

    /// <summary>The live re-split of an orchestrated gateway; null for a static one.</summary>
    public ILayoutHost? Layouts => _layouts;

    /// <summary>Steps sent again after a timeout.</summary>
    public long Resent => _dispatcher.Resent;

    /// <summary>Conversations moved to another peer after theirs went silent or was planned out.</summary>
    public long Rehomed => _dispatcher.Rehomed;

    /// <summary>Conversations moved by replay to a newer layout at a step boundary (<see cref="LayoutMove"/>).</summary>
    public long Moved => Interlocked.Read(ref _moved);

    /// <summary>Conversations moved to a newer layout by KV handover (no replay).</summary>
    public long HandedOver => _handover?.HandedOver ?? 0;

    /// <summary>KV handovers that failed (refused, damaged, timed out); their conversations moved by replay.</summary>
    public long HandoversFailed => _handover?.Failed ?? 0;

    /// <summary>Messages on the gateway's KV topic it refused (damaged, foreign, for no handover in progress).</summary>
    public long HandoverRejected => _handover?.Rejected ?? 0;

    /// <summary>Replies that matched no pending step (duplicates, late answers) or could not be read.</summary>
    public long Rejected => _dispatcher.Rejected;

    /// <summary>The model id (hex) used in topics and frames.</summary>
    public string ModelId => _model;

    /// <summary>Where the gateway's segments take embeddings, or null when the model cannot start from embeddings (or no layout is committed yet).</summary>
    public Inference.Segments.EmbeddingEntry? Embedding => (_static ?? _layouts!.Active)?.Chain.Embedding;

    /// <summary>Completes once the gateway has a layout: at once when static, at the agreement's first commit when orchestrated.</summary>
    public Task WaitForLayoutAsync(CancellationToken cancellationToken) =>
        _layouts is null ? Task.CompletedTask : _layouts.FirstCommit.WaitAsync(cancellationToken);

    /// <summary>Subscribes to this gateway's reply topic.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_static is null)
        {
            RoleLog.Orchestrated(_logger, "gateway", _options.Node, _model);
        }
        else
        {
            RoleLog.Serving(_logger, "gateway", _options.Node, 0, _static.Chain.Range.Last, _model, _options.PlanEpoch, _options.Codec.ToString());
        }

        await _client.SubscribeAsync(_replies, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        if (_handover is not null)
        {
            await _client.SubscribeAsync(_handover.Topic, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes replies until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _client.RunMessageHandlerAsync((m, _) =>
        {
            if (_handover is not null && string.Equals(m.Topic, _handover.Topic, StringComparison.Ordinal))
            {
                _handover.OnMessage(m);
            }
            else
            {
                _dispatcher.OnReply(m);
            }

            return ValueTask.CompletedTask;
        }, cancellationToken);

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
    /// metadata travels with every step (user property <c>edgelam-window</c>) and comes back in the results. An
    /// orchestrated gateway starts it on the active layout (waiting for the first commit) and, after a newer commit,
    /// lets it finish there or moves it by replay at a step boundary (<see cref="LayoutMove"/>).
    /// </summary>
    /// <exception cref="InferenceException">No stage answered a step after every attempt, no plan was committed in time, or the model cannot take the input.</exception>
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
        var layout = _static ?? await _layouts!.JoinAsync(cancellationToken).ConfigureAwait(false);
        var conversation = Guid.NewGuid();
        try
        {
            var envelope = new ActivationEnvelope { Gateway = _options.Node, ResponseTopic = _replies, MaxNewTokens = maxNewTokens };
            envelope.SetWindow(input.Window);
            envelope.RequestId = input.Id;
            envelope.StopTokens.Set(stopTokens ?? []);
            layout.Compute.CheckEmbeddings(input);
            layout.Prefill(envelope.Route);
            var request = (ulong)Interlocked.Increment(ref _requests);
            var tokens = new List<long>(maxNewTokens);
            var steps = new List<GatewayStep>(maxNewTokens);
            Func<uint, CancellationToken, Task<LocalStep>> rehome = async (step, ct) =>
            {
                // The peer holding the conversation is silent or planned out: run it so far (the request's input and
                // the tokens generated) as a prefill under a new id, on whichever peer of the stage takes it (static)
                // or down the active layout's chain (orchestrated).
                await layout.Compute.DropAsync(conversation).ConfigureAwait(false);
                layout = _layouts?.Move(layout) ?? layout;
                layout.Prefill(envelope.Route);
                conversation = Guid.NewGuid();
                return await layout.Compute.RunAsync(conversation, step, request, input, tokens, ct).ConfigureAwait(false);
            };
            for (uint step = 0; ; step++)
            {
                var stepStart = Stopwatch.GetTimestamp();
                envelope.StepStartUs = RoleClock.NowUs();
                var tuning = _options.Tuning; // one snapshot per step: a reload applies from the next step
                var prefill = step == 0 ? input : null;
                if (step > 0 && MovesNow(layout, input.Positions + tokens.Count, maxNewTokens - tokens.Count) is { } reason)
                {
                    var from = layout;
                    if (await HandOverAsync(conversation, from, step, input.Positions + tokens.Count - 1, cancellationToken).ConfigureAwait(false) is { } to)
                    {
                        layout = to;
                        layout.Prefill(envelope.Route);
                        LayoutLog.Moved(_logger, request, from.Epoch, layout.Epoch, step, "KV handover", reason);
                    }
                    else
                    {
                        await layout.Compute.DropAsync(conversation).ConfigureAwait(false);
                        layout = _layouts!.Move(layout);
                        layout.Prefill(envelope.Route);
                        conversation = Guid.NewGuid();
                        prefill = input;
                        LayoutLog.Moved(_logger, request, from.Epoch, layout.Epoch, step, "replay", reason);
                    }

                    Interlocked.Increment(ref _moved);
                }

                layout.Compute.Throttle = tuning.Throttle;
                var local = await layout.Compute.RunAsync(conversation, step, request, prefill, tokens, cancellationToken).ConfigureAwait(false);
                var reply = await _dispatcher.SendAsync(request, step, local, envelope, tuning, rehome, cancellationToken).ConfigureAwait(false);
                envelope.Route.Merge(reply.Route);
                tokens.Add(reply.Token);
                // The reply's stages start with the gateway's own timing (carried in the frame's timings property).
                var elapsed = Stopwatch.GetElapsedTime(stepStart);
                if (prefill is not null)
                {
                    _handover?.Meter.RecordPrefill(local.Positions, elapsed.TotalMilliseconds);
                }

                steps.Add(new GatewayStep(step, reply.Token, elapsed, reply.Stages, reply.ReturnUs));
                var final = tokens.Count >= maxNewTokens || envelope.StopTokens.Contains(reply.Token);
                await PublishResultAsync(reply, conversation, tokens, final, layout.Epoch, elapsed, envelope, cancellationToken).ConfigureAwait(false);
                if (final)
                {
                    return new GatewayGeneration(conversation, request, tokens, steps, input.Window);
                }
            }
        }
        finally
        {
            await layout.Compute.DropAsync(conversation).ConfigureAwait(false);
            _layouts?.Leave(layout);
        }
    }

    /// <summary>
    /// Publishes the step's result on <c>results/{gateway}</c> from the one reply the dispatcher accepted: a late or
    /// repeated answer (a frozen peer continued, a replay) never reaches subscribers, and the tokens are the request's
    /// whole generation even after a re-home. <c>stepUs</c> is the gateway's monotonic time for the step.
    /// </summary>
    private ValueTask PublishResultAsync(StepReply reply, Guid conversation, List<long> tokens, bool final, uint epoch, TimeSpan elapsed, ActivationEnvelope envelope, CancellationToken cancellationToken)
    {
        var result = new InferenceResult
        {
            Gateway = _options.Node,
            Conversation = conversation,
            Request = reply.Request,
            Step = reply.Step,
            Tokens = [.. tokens],
            TopK = reply.TopK,
            Final = final,
            PlanEpoch = epoch,
            ModelId = _model,
            Stages = reply.Stages,
            WireUs = reply.WireUs,
            StepUs = (long)elapsed.TotalMicroseconds,
            Window = envelope.Window,
            Id = envelope.RequestId,
        };
        var message = new MqttApplicationMessage(_results, JsonSerializer.SerializeToUtf8Bytes(result, RoleJsonContext.Default.InferenceResult))
        {
            Properties = new MqttMessageProperties { ContentType = "application/json" },
        };
        return _client.PublishAsync(message, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _static?.Dispose();
        _layouts?.Dispose();
    }

    /// <summary>
    /// Hands the conversation's KV (<paramref name="positions"/> positions, after step <paramref name="step"/> − 1) over
    /// to the active layout when <see cref="GatewayHandover.Choose"/> picks it: the layout it now runs on, or null to
    /// replay (chosen, or the handover failed).
    /// </summary>
    private async Task<GatewayLayout?> HandOverAsync(Guid conversation, GatewayLayout from, uint step, int positions, CancellationToken cancellationToken)
    {
        if (_layouts!.Active is not { } to || _handover!.Choose(from, to, positions) != MoveMethod.Handover || !_layouts.TryHold(to))
        {
            return null;
        }

        bool handedOver;
        try
        {
            handedOver = await _handover.MoveAsync(conversation, from, to, step - 1, positions, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _layouts.Leave(to); // cancelled: the request ends on its old layout
            throw;
        }

        if (!handedOver)
        {
            _layouts.Leave(to);
            return null;
        }

        await from.Compute.DropAsync(conversation).ConfigureAwait(false);
        _layouts.Leave(from);
        return to;
    }

    /// <summary>Why a conversation on <paramref name="layout"/> moves to the newer active layout now, or null when it stays.</summary>
    private string? MovesNow(GatewayLayout layout, int positions, int remainingSteps)
    {
        if (_layouts?.Active is not { } active || ReferenceEquals(active, layout))
        {
            return null;
        }

        return LayoutMove.Choose(layout.IsLost, layout.Layout?.Predicted, active.Layout?.Predicted, positions, remainingSteps) == LayoutMoveChoice.Finish ? null
            : layout.IsLost ? "a node of its layout was planned out"
            : "the predicted gain of the active layout outweighs the replay";
    }
}
