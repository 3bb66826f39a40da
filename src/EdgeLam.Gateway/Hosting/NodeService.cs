using System.Globalization;
using System.Reflection;
using System.Text.Json;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Hosting.Status;
using EdgeLam.Inference;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Hosts the node of <c>edgelam run</c>: creates ONNX Runtime (section <c>Onnx</c>), starts the gateway or peer stage
/// (<see cref="StageNode"/>) in the background — connecting waits, retrying with backoff, while STATUS says
/// "waiting for broker HOST:PORT" — and publishes the retained status summary (<see cref="NodeStatusReport"/>).
/// Without <c>Model:Path</c> it only posts "waiting for a model" and the daemon stays up. On SIGTERM
/// (<see cref="IDrainable"/>): refuses new work, lets requests and the step in flight finish within
/// <c>Shutdown:DrainTimeout</c>, flushes the answers; then <see cref="StopAsync"/> publishes "offline" and
/// disconnects. A model that cannot be loaded stops the daemon with exit code 78.
/// </summary>
internal sealed class NodeService(
    NodeHandle handle,
    NodeSettings nodeSettings,
    MqttClientOptions mqttOptions,
    SettingsStore settings,
    IConfigurationRoot configuration,
    IOptions<OnnxRuntimeOptions> onnx,
    ServiceStatus status,
    EdgeLamMetrics metrics,
    StatusSnapshotProducer snapshots,
    IHostApplicationLifetime lifetime,
    DaemonExit exit,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IDrainable, IDisposable
{
    public const string ModelComponent = "model";
    public const string BrokerComponent = "broker";

    /// <summary>How often the status loop looks for changes to publish at once (between interval publishes).</summary>
    private static readonly TimeSpan ChangePoll = TimeSpan.FromMilliseconds(500);

    private static readonly string? Version = typeof(NodeService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    private readonly ILogger _logger = loggers.CreateLogger("EdgeLam.Gateway.Node");
    private readonly CancellationTokenSource _stopping = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private NodeSettings? _node;
    private MqttClientOptions? _mqtt;
    private OnnxRuntime? _runtime;
    private StageNode? _stage;
    private Task _run = Task.CompletedTask;
    private readonly DecodeCostMeter _decodeCost = new();
    private (int First, int End) _layers; // the model layers (blocks) the hosted segments run, [First, End)
    private NodeState _state = NodeState.Online;
    private long _lastConnections;
    private long _steps;
    private string? _modelId;

    public string Name => "node";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _node = nodeSettings;
        _mqtt = mqttOptions;
        settings.Changed += OnReloaded;
        handle.Completed += OnCompleted;
        if (_node.Stage is null)
        {
            status.Set(ModelComponent, "waiting for a model: set Model:Path");
            NodeLog.WaitingForModel(_logger, _node.Role, settings.Current.Node.Name);
            return Task.CompletedTask;
        }

        status.Set(BrokerComponent, BrokerWait(null));
        _run = Task.Run(() => RunAsync(_node, _mqtt, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private string BrokerWait(string? why) =>
        string.Create(CultureInfo.InvariantCulture, $"waiting for broker {_mqtt!.Host}:{_mqtt.Port}{(why is null ? "" : " (" + why + ")")}");

    private async Task RunAsync(NodeSettings node, MqttClientOptions mqtt, CancellationToken stopping)
    {
        var stage = node.Stage!;
        try
        {
            _runtime = OnnxRuntime.Create(onnx.Value, w => NodeLog.OnnxWarning(_logger, w));
            NodeLog.Connecting(_logger, node.Role, stage.Node, node.Segments, mqtt.Host, mqtt.Port);
            _stage = await StageNode.StartAsync(stage, mqtt, _runtime, loggers, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or OrtException or InferenceException or IOException)
        {
            // The model (or ONNX Runtime) named by the configuration cannot serve: a restart would not help.
            NodeLog.StartFailed(_logger, stage.ModelDirectory, e);
            status.Set(BrokerComponent, null);
            status.Set(ModelComponent, "model failed to load: " + e.Message.ReplaceLineEndings(" "));
            exit.Fail(ExitCodes.Config);
            lifetime.StopApplication();
            return;
        }
#pragma warning disable CA1031 // last line of defence for the background start: log it and stop with 70 (systemd restarts)
        catch (Exception e)
#pragma warning restore CA1031
        {
            NodeLog.StartCrashed(_logger, e);
            status.Set(BrokerComponent, null);
            exit.Fail(ExitCodes.Software);
            lifetime.StopApplication();
            return;
        }

        _stage.StatusPayload = Report;
        if (_stage.Peer is { } peer)
        {
            peer.StepServed += OnPeerStep;
            peer.Traffic += OnTraffic;
        }

        if (_stage.Gateway is { } gateway)
        {
            gateway.Traffic += OnTraffic;
        }

        metrics.SetEpoch(stage.PlanEpoch);
        var segments = ModelSplitter.ReadManifest(stage.ModelDirectory).Segments;
        metrics.SetSplit(SplitLayer(stage, segments));
        _layers = (segments[stage.FirstSegment].FirstBlock, segments[stage.LastSegment].EndBlock);

        _lastConnections = _stage.Client.GetStatistics().Connections;
        status.Set(BrokerComponent, null);
        NodeLog.Serving(_logger, node.Role, stage.Node, node.Segments, ModelId, stage.PlanEpoch);
        handle.SetStarted(_stage, _runtime);
        await PublishLoopAsync(_stage, stopping).ConfigureAwait(false);
    }

    private string ModelId => _stage?.Gateway?.ModelId ?? ModelIdOf(_node!.Stage!.ModelDirectory);

    private string ModelIdOf(string directory) => _modelId ??= SplitModelIdentity.Read(directory).ToString();

    /// <summary>Publishes the status now, then at every change and every <c>Metrics:StatusInterval</c>.</summary>
    private async Task PublishLoopAsync(StageNode stage, CancellationToken stopping)
    {
        string? published = null;
        var lastPublish = long.MinValue;
        using var timer = new PeriodicTimer(ChangePoll, time);
        do
        {
            var connected = stage.Client.IsConnected;
            status.Set(BrokerComponent, connected ? null : BrokerWait("connection lost, reconnecting"));
            var connections = stage.Client.GetStatistics().Connections;
            for (; _lastConnections < connections; _lastConnections++)
            {
                metrics.Reconnected();
            }

            var signature = string.Join('|', _state, connected, stage.Serving.IsCompleted, status.Line);
            var due = time.GetElapsedTime(lastPublish == long.MinValue ? 0 : lastPublish) >= settings.Current.Metrics.StatusInterval;
            if (connected && (signature != published || due || lastPublish == long.MinValue))
            {
                status.SetSummary(Summary(stage));
                await stage.PublishStatusAsync(_state, stopping).ConfigureAwait(false);
                await PublishCapacityAsync(stage, stopping).ConfigureAwait(false);
                published = string.Join('|', _state, connected, stage.Serving.IsCompleted, status.Line);
                lastPublish = time.GetTimestamp();
            }
        }
        while (await WaitAsync(timer, stopping).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private (long Steps, long Rejected, long Resent, long Rehomed, long Replayed) Counters(StageNode stage) =>
        stage.Gateway is { } g
            ? (Interlocked.Read(ref _steps), g.Rejected, g.Resent, g.Rehomed, 0)
            : (stage.Peer!.Served, stage.Peer.Rejected, 0, 0, stage.Peer.Replayed);

    /// <summary>The STATUS= line while serving: the status summary in one line.</summary>
    private string Summary(StageNode stage)
    {
        var c = Counters(stage);
        var s = _node!.Stage!;
        var requests = stage.Gateway is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{handle.Requests} requests, ");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{_node.Role} {s.Node}: segments {_node.Segments} of model {ModelId[..Math.Min(12, ModelId.Length)]} epoch {s.PlanEpoch}; {requests}{c.Steps} steps, {c.Rejected} rejected, {c.Resent} resent, {Math.Max(0, _lastConnections - 1)} reconnects");
    }

    /// <summary>The retained status document (also the payload of the final "offline" status).</summary>
    private byte[] Report(NodeState state)
    {
        var stage = _stage!;
        var s = _node!.Stage!;
        var snapshot = snapshots.Create();
        var c = Counters(stage);
        var report = new NodeStatusReport
        {
            Node = s.Node,
            State = state,
            Version = Version,
            Roles = [_node.Role],
            PlanEpoch = s.PlanEpoch,
            StartedAt = _startedAt,
            Timestamp = time.GetUtcNow(),
            Site = s.Site,
            Status = state == NodeState.Offline ? "stopped" : status.Line,
            Healthy = snapshot.Healthy,
            HealthProblems = snapshot.HealthProblems,
            Segments = _node.Segments,
            ModelId = ModelId,
            Wire = WireCodecNames.Name(s.Codec),
            Connected = stage.Client.IsConnected,
            UptimeSeconds = snapshot.UptimeSeconds,
            Requests = handle.Requests,
            FailedRequests = handle.Failed,
            Steps = c.Steps,
            Rejected = c.Rejected,
            Resent = c.Resent,
            Rehomed = c.Rehomed,
            Replayed = c.Replayed,
            Reconnects = Math.Max(0, stage.Client.GetStatistics().Connections - 1),
            Stages = snapshot.Stages,
        };
        return JsonSerializer.SerializeToUtf8Bytes(report, NodeStatusJsonContext.Default.NodeStatusReport);
    }

    private static readonly string[] SegmentStageNames = [.. Enumerable.Range(0, 16).Select(i => "segment" + i.ToString(CultureInfo.InvariantCulture) + ".compute")];

    private static string ComputeStage(int firstSegment) =>
        firstSegment >= 0 && firstSegment < SegmentStageNames.Length
            ? SegmentStageNames[firstSegment]
            : "segment" + firstSegment.ToString(CultureInfo.InvariantCulture) + ".compute";

    /// <summary>Gateway: each finished request's steps (end to end) and every stage's compute time.</summary>
    private void OnCompleted(GatewayGeneration generation)
    {
        Interlocked.Add(ref _steps, generation.Steps.Count);
        foreach (var step in generation.Steps)
        {
            if (step.Step > 0 && step.Stages.Count > 0)
            {
                _decodeCost.Record(TimeSpan.FromMicroseconds(step.Stages[0].ComputeUs)); // the gateway's own timing comes first
            }

            metrics.RecordStage("step", step.Elapsed);
            foreach (var t in step.Stages)
            {
                metrics.RecordStage(ComputeStage(t.FirstSegment), TimeSpan.FromMicroseconds(t.ComputeUs));
            }
        }
    }

    /// <summary>Publishes the retained <c>nodes/{node}/capacity</c>: what this node hosts and what a decode step costs it.</summary>
    private async Task PublishCapacityAsync(StageNode stage, CancellationToken stopping)
    {
        var options = _node!.Stage!;
        var executor = stage.Gateway?.Executor ?? stage.Peer!.Executor;
        var layers = _layers.End - _layers.First;
        var capacity = new NodeCapacityMessage
        {
            Node = options.Node,
            Models =
            [
                new HostedSegments
                {
                    ModelId = ModelId,
                    FirstLayer = _layers.First,
                    EndLayer = _layers.End,
                    MaxSessions = executor.MaxConversations,
                    ActiveSessions = executor.Conversations,
                    DecodeMsPerLayer = layers > 0 ? _decodeCost.MedianMsPerLayer(layers) : null,
                    DecodeSteps = _decodeCost.Count,
                },
            ],
            CpuCount = Environment.ProcessorCount,
            MemoryBytes = MemoryInfo.AvailableBytes(),
            Timestamp = time.GetUtcNow(),
        };
        var message = new MqttApplicationMessage(new TopicScheme(options.Site).NodeCapacity(options.Node), ControlMessageCodec.Encode(capacity), Retain: true)
        {
            Properties = new MqttMessageProperties { ContentType = "application/json" },
        };
        await stage.Client.PublishAsync(message, stopping).ConfigureAwait(false);
    }

    /// <summary>The cut this node sits at: the first block after the gateway's segments, or the peer's first block.</summary>
    private static int SplitLayer(NodeRoleOptions stage, IReadOnlyList<SegmentDescription> segments)
    {
        var index = stage.FirstSegment == 0 ? stage.LastSegment + 1 : stage.FirstSegment;
        return index < segments.Count ? segments[index].FirstBlock : -1;
    }

    private void OnTraffic(StageTrafficKind kind, int bytes)
    {
        switch (kind)
        {
            case StageTrafficKind.FrameSent:
                metrics.FrameSent(bytes);
                break;
            case StageTrafficKind.FrameReceived:
                metrics.FrameReceived(bytes);
                break;
            default:
                metrics.Dropped("rejected");
                break;
        }
    }

    /// <summary>Peer: the stage's own compute and its step (decode + compute + encode) per step served.</summary>
    private void OnPeerStep(StageTiming timing, bool prefill)
    {
        if (!prefill)
        {
            _decodeCost.Record(TimeSpan.FromMicroseconds(timing.ComputeUs));
        }

        metrics.RecordStage(ComputeStage(timing.FirstSegment), TimeSpan.FromMicroseconds(timing.ComputeUs));
        metrics.RecordStage("step", TimeSpan.FromMicroseconds(timing.DecodeUs + timing.ComputeUs + timing.EncodeUs));
    }

    /// <summary>SIGTERM, before any StopAsync: stop taking work, let what is in flight finish, flush the answers.</summary>
    public async Task DrainAsync(CancellationToken deadline)
    {
        await _stopping.CancelAsync().ConfigureAwait(false); // ends the status loop (and a connect still waiting)
        await AwaitQuietly(_run).ConfigureAwait(false);
        var stage = _stage;
        if (stage is null)
        {
            handle.SetStopping();
            return;
        }

        _state = NodeState.Draining;
        status.SetSummary(null);
        await stage.PublishStatusAsync(NodeState.Draining, deadline).ConfigureAwait(false);
        await handle.DrainAsync(deadline).ConfigureAwait(false); // gateway: requests in flight finish (or are cancelled)
        await stage.StopServingAsync().ConfigureAwait(false); // peer: the step in flight finishes, nothing new is read
        NodeLog.Drained(_logger, handle.Requests, Counters(stage).Steps);
        try
        {
            await stage.Client.FlushAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        settings.Changed -= OnReloaded;
        handle.SetStopping();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await AwaitQuietly(_run).ConfigureAwait(false);
        if (_stage is { } stage)
        {
            _state = NodeState.Offline;
            if (stage.Peer is { } peer)
            {
                peer.StepServed -= OnPeerStep;
                peer.Traffic -= OnTraffic;
            }

            if (stage.Gateway is { } gateway)
            {
                gateway.Traffic -= OnTraffic;
            }

            await stage.DisposeAsync().ConfigureAwait(false); // publishes "offline" (retained), then disconnects
            _stage = null;
        }

        _runtime?.Dispose();
        _runtime = null;
    }

    private static async Task AwaitQuietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// SIGHUP: Node:StepTimeout, MaxAttempts and ResultTopK apply to the running stage (its stages read them per step);
    /// the other stage, Mqtt and Onnx keys need a restart and are logged (ReloadService logs Node:Name/Role/Site,
    /// Mqtt:Host/Port/…, Model:Path and Board:Name).
    /// </summary>
    private void OnReloaded(EdgeLamSettings previous, EdgeLamSettings next)
    {
        var reader = new ConfigReader(configuration);
        var node = NodeSectionValidator.Bind(reader);
        var mqtt = MqttSectionValidator.Bind(reader);
        var onnxNext = OnnxSectionValidator.Bind(reader);
        if (_node?.Stage is { } live && node.Stage is { } wanted)
        {
            live.StepTimeout = wanted.StepTimeout;
            live.MaxAttempts = wanted.MaxAttempts;
            live.ResultTopK = wanted.ResultTopK;
            NodeLog.Reloaded(_logger, wanted.StepTimeout, wanted.MaxAttempts, wanted.ResultTopK);
            foreach (var (key, before, after) in new (string, object?, object?)[]
            {
                ("Node:Segments", _node.Segments, node.Segments),
                ("Node:Wire", live.Codec, wanted.Codec),
                ("Node:ContextLimit", live.ContextLimit, wanted.ContextLimit),
                ("Node:PlanEpoch", live.PlanEpoch, wanted.PlanEpoch),
            })
            {
                if (!Equals(before, after))
                {
                    NodeLog.NeedsRestart(_logger, key);
                }
            }
        }

        if (_mqtt is { } m && (m.CleanStart != mqtt.CleanStart || m.SessionExpiry != mqtt.SessionExpiry || m.MaxInflightMessages != mqtt.MaxInflightMessages
            || m.ReconnectDelayMin != mqtt.ReconnectDelayMin || m.ReconnectDelayMax != mqtt.ReconnectDelayMax || m.KeepAlive != mqtt.KeepAlive || m.Password != mqtt.Password))
        {
            NodeLog.NeedsRestart(_logger, "Mqtt");
        }

        var o = onnx.Value;
        if (o.LibraryPath != onnxNext.LibraryPath || o.IntraOpThreads != onnxNext.IntraOpThreads || o.InterOpThreads != onnxNext.InterOpThreads
            || o.GraphOptimizationLevel != onnxNext.GraphOptimizationLevel || !o.Providers.SequenceEqual(onnxNext.Providers))
        {
            NodeLog.NeedsRestart(_logger, "Onnx");
        }
    }

    public void Dispose()
    {
        handle.Completed -= OnCompleted;
        _stopping.Dispose();
    }
}

internal static partial class NodeLog
{
    [LoggerMessage(2100, LogLevel.Information, "No model configured: {Role} node {Node} waits (set Model:Path to a split model directory)")]
    public static partial void WaitingForModel(ILogger logger, string role, string node);

    [LoggerMessage(2101, LogLevel.Information, "Starting {Role} node {Node} (segments {Segments}); connecting to {Host}:{Port}")]
    public static partial void Connecting(ILogger logger, string role, string node, string segments, string host, int port);

    [LoggerMessage(2102, LogLevel.Information, "{Role} node {Node} serving segments {Segments} of model {Model}, plan epoch {Epoch}")]
    public static partial void Serving(ILogger logger, string role, string node, string segments, string model, uint epoch);

    [LoggerMessage(2103, LogLevel.Critical, "The node cannot start with the model at {Model}; stopping (exit 78)")]
    public static partial void StartFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(2108, LogLevel.Critical, "The node failed to start; stopping (exit 70)")]
    public static partial void StartCrashed(ILogger logger, Exception exception);

    [LoggerMessage(2104, LogLevel.Information, "Node drained: {Requests} requests and {Steps} steps served")]
    public static partial void Drained(ILogger logger, long requests, long steps);

    [LoggerMessage(2105, LogLevel.Information, "Reloaded: Node:StepTimeout {StepTimeout}, Node:MaxAttempts {MaxAttempts}, Node:ResultTopK {TopK} apply now")]
    public static partial void Reloaded(ILogger logger, TimeSpan stepTimeout, int maxAttempts, int topK);

    [LoggerMessage(2106, LogLevel.Warning, "{Key} changed; it takes effect after a restart (systemctl restart edgelam)")]
    public static partial void NeedsRestart(ILogger logger, string key);

    [LoggerMessage(2107, LogLevel.Warning, "ONNX Runtime: {Warning}")]
    public static partial void OnnxWarning(ILogger logger, string warning);
}
