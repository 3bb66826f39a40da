using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using EdgeLam.Gateway.Orchestration;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Hosting.Status;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model.Costs;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// What the running node tells others about itself: records the stages' traffic and step timings in the metrics
/// (and the decode cost per layer), keeps the STATUS= line and the broker component current, and publishes the
/// retained status summary (<see cref="NodeStatusReport"/>, also the payload of the final "offline") and the retained
/// capacity (<c>nodes/{node}/capacity</c>: compute per unit measured on its own steps, or the start-up
/// <see cref="ComputeBenchmark"/> before any; memory and the hosted layers' costs; load; the links the
/// <see cref="LinkProber"/> measures) at once on a change and every <c>Metrics:StatusInterval</c>.
/// <see cref="NodeService"/> attaches it to the stage it started and detaches it on stop.
/// </summary>
internal sealed class NodeStatusPublisher(
    NodeHandle handle,
    NodeSettings node,
    MqttClientOptions mqtt,
    SettingsStore settings,
    ServiceStatus status,
    EdgeLamMetrics metrics,
    StatusSnapshotProducer snapshots,
    TimeProvider time,
    ILogger<LinkProber> probeLogger,
    OrchestrationOptions orchestration,
    CommittedLayout committed)
{
    public const string BrokerComponent = "broker";

    /// <summary>How often a node without steps of its own runs its <see cref="ModelBenchmark"/> again.</summary>
    private static readonly TimeSpan BenchmarkRefresh = TimeSpan.FromSeconds(5);

    /// <summary>How often the status loop looks for changes to publish at once (between interval publishes).</summary>
    private static readonly TimeSpan ChangePoll = TimeSpan.FromMilliseconds(500);

    private static readonly string? Version = typeof(NodeStatusPublisher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    private static readonly string[] SegmentStageNames = [.. Enumerable.Range(0, 16).Select(i => "segment" + i.ToString(CultureInfo.InvariantCulture) + ".compute")];

    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly NodeCapacityReport _capacity = new();
    private ModelCostTable? _costs;
    private int _blocks;
    private double _throttle;
    private OnnxRuntime? _runtime;
    private ModelBenchmark? _benchmark;
    private long _benchmarkedAt;
    private readonly MedianWindow _decodeSteps = new(StepCostMeter.Window);
    private readonly HopBook _hops = new();
    private readonly CapacityRepublishRule _republish = new(orchestration.CapacityChange, orchestration.CapacityMinInterval);
    private readonly long _created = time.GetTimestamp();
    private RoleHost? _stage;
    private long _lastConnections;
    private (long HandedOver, long Failed, long Rejected) _lastHandovers;
    private long _steps;
    private LinkProber? _prober;
    private string? _modelId;

    /// <summary>The state published in the status summary (Draining from the drain, Offline on stop).</summary>
    public NodeState State { get; set; } = NodeState.Online;

    /// <summary>The model's identity (the gateway's, or read from the split model's manifest).</summary>
    public string ModelId => _stage?.Gateway?.ModelId ?? (_modelId ??= SplitModelIdentity.Read(node.Stage!.ModelDirectory).ToString());

    /// <summary>Steps this node served (peer) or its requests ran (gateway).</summary>
    public long Steps => _stage is { } stage ? Counters(stage).Steps : 0;

    /// <summary>The broker component's STATUS text while connecting (or reconnecting, with <paramref name="why"/>).</summary>
    public string BrokerWait(string? why) =>
        string.Create(CultureInfo.InvariantCulture, $"waiting for broker {mqtt.Host}:{mqtt.Port}{(why is null ? "" : " (" + why + ")")}");

    /// <summary>Starts recording <paramref name="stage"/>'s traffic and timings; sets the plan gauges.</summary>
    public void Attach(RoleHost stage, OnnxRuntime? runtime = null)
    {
        var options = node.Stage!;
        _stage = stage;
        stage.StatusPayload = Report;
        handle.Completed += OnCompleted;
        if (stage.Peer is { } peer)
        {
            peer.StepServed += OnPeerStep;
            peer.Traffic += OnTraffic;
        }

        if (stage.Gateway is { } gateway)
        {
            gateway.Traffic += OnTraffic;
        }

        var manifest = ModelSplitter.ReadManifest(options.ModelDirectory);
        var segments = manifest.Segments;
        (_costs, _blocks) = (manifest.Costs, manifest.BlockCount);
        (_runtime, _throttle) = (runtime, options.Tuning.Throttle);
        if (node.IsOrchestrated)
        {
            // No layout until the agreement commits one; then the hosted range follows each commit. Until its own
            // steps, the node's figures come from running its own model once (comparable with measured ones).
            metrics.SetEpoch(committed.Epoch);
            _capacity.Host(new HostedRange(0, 0, false, false), manifest.Costs, options.Tuning.Throttle);
            _capacity.Restart(_throttle, EstimateModel());
            committed.Changed += OnCommitted;
        }
        else
        {
            metrics.SetEpoch(options.PlanEpoch);
            metrics.SetSplit(SplitLayer(options, segments));
            _capacity.Host(
                new HostedRange(
                    segments[options.FirstSegment].FirstBlock,
                    segments[options.LastSegment].EndBlock,
                    Embedding: options.FirstSegment == 0,
                    Head: options.LastSegment == segments.Count - 1),
                manifest.Costs,
                options.Tuning.Throttle);
        }

        _lastConnections = stage.Client.GetStatistics().Connections;
        status.Set(BrokerComponent, null);
    }

    /// <summary>Stops recording (the stage is about to be disposed; its final "offline" still uses <see cref="Report"/>).</summary>
    public void Detach()
    {
        handle.Completed -= OnCompleted;
        committed.Changed -= OnCommitted;
        _benchmark?.Dispose();
        _benchmark = null;
        if (_stage is not { } stage)
        {
            return;
        }

        if (stage.Peer is { } peer)
        {
            peer.StepServed -= OnPeerStep;
            peer.Traffic -= OnTraffic;
        }

        if (stage.Gateway is { } gateway)
        {
            gateway.Traffic -= OnTraffic;
        }
    }

    /// <summary>Publishes the status now, then at every change and every <c>Metrics:StatusInterval</c>, until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var stage = _stage ?? throw new InvalidOperationException("Attach a stage first.");
        var prober = new LinkProber(node.Stage!.Site, node.Stage.Node, mqtt, node.Probe ?? new LinkProbeSettings(), time, probeLogger);
        _prober = prober;
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var probes = Task.Run(() => prober.RunAsync(probing.Token), CancellationToken.None); // never throws
        try
        {
            await PublishLoopAsync(stage, stopping).ConfigureAwait(false);
        }
        finally
        {
            await probing.CancelAsync().ConfigureAwait(false);
            await probes.ConfigureAwait(false);
        }
    }

    private async Task PublishLoopAsync(RoleHost stage, CancellationToken stopping)
    {
        string? published = null;
        var lastPublish = long.MinValue;
        using var timer = new PeriodicTimer(ChangePoll, time);
        do
        {
            if (ActiveChain(stage) is { } chain)
            {
                _capacity.SamplePrefill(chain.PrefillTicks, chain.PrefillPositions, Stopwatch.Frequency);
            }

            if (node.Stage!.Tuning.Throttle != _throttle)
            {
                // A reload changed the throttle: steps measured before no longer say what a step costs.
                _throttle = node.Stage.Tuning.Throttle;
                _capacity.Restart(_throttle, node.IsOrchestrated ? EstimateModel() : null);
            }
            else if (node.IsOrchestrated && _capacity.Steps.Count == 0 && time.GetElapsedTime(_benchmarkedAt) >= BenchmarkRefresh)
            {
                _capacity.Refine(EstimateModel()); // no step of its own yet: the least loaded benchmark run is the best estimate
            }

            var connected = stage.Client.IsConnected;
            status.Set(BrokerComponent, connected ? null : BrokerWait("connection lost, reconnecting"));
            var connections = stage.Client.GetStatistics().Connections;
            for (; _lastConnections < connections; _lastConnections++)
            {
                metrics.Reconnected();
            }

            CountHandovers(stage);

            var signature = string.Join('|', State, connected, stage.Serving.IsCompleted, status.Line);
            var due = time.GetElapsedTime(lastPublish == long.MinValue ? 0 : lastPublish) >= settings.Current.Metrics.StatusInterval;
            if (connected && (signature != published || due || lastPublish == long.MinValue))
            {
                status.SetSummary(Summary(stage));
                await stage.PublishStatusAsync(State, stopping).ConfigureAwait(false);
                await PublishCapacityAsync(stage, stopping).ConfigureAwait(false);
                published = string.Join('|', State, connected, stage.Serving.IsCompleted, status.Line);
                lastPublish = time.GetTimestamp();
            }
            else if (connected && orchestration.Enabled && _republish.Due(DecodeMsPerUnit(stage), time.GetElapsedTime(_created)))
            {
                await PublishCapacityAsync(stage, stopping).ConfigureAwait(false); // the orchestrator re-plans on it
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

    /// <summary>The plan epoch new requests run on: the static <c>Node:PlanEpoch</c>, or the last committed (0 before the first).</summary>
    private uint Epoch => node.IsOrchestrated ? committed.Epoch : node.Stage!.PlanEpoch;

    /// <summary>The hosted segments: the static <c>Node:Segments</c>, or the committed layout's (<c>none</c> before the first commit).</summary>
    private string Segments => node.IsOrchestrated ? CommittedLayout.Segments(committed.Layout, _blocks) : node.Segments;

    /// <summary>The chain new requests run on; null on an orchestrated node without a committed layout.</summary>
    private SegmentChain? ActiveChain(RoleHost stage) =>
        node.IsOrchestrated && committed.Layout is null ? null : stage.Gateway?.Chain ?? stage.Peer!.Chain;

    /// <summary>An orchestrated node's <see cref="ModelBenchmark"/> run at its current throttle (null without a cost table or runtime).</summary>
    private (double Decode, double Prefill)? EstimateModel()
    {
        _benchmarkedAt = time.GetTimestamp();
        _benchmark ??= _runtime is { } runtime && _costs is { } costs ? ModelBenchmark.Open(runtime, node.Stage!.ModelDirectory, CostTables.FromModel(costs)) : null;
        return _benchmark?.Run(_throttle);
    }

    /// <summary>
    /// A commit moved this node's range: its costs follow; its measured steps stay (they are per compute unit, so they
    /// still say how fast this node is, also when it is planned out and runs none).
    /// </summary>
    private void OnCommitted(uint epoch, NodeLayout? layout)
    {
        var hosted = layout is null
            ? new HostedRange(0, 0, false, false)
            : new HostedRange(layout.FirstBlock, layout.EndBlock, Embedding: layout.FirstBlock == 0, Head: layout.EndBlock == _blocks);
        _capacity.Host(hosted, _costs, node.Stage!.Tuning.Throttle);
        metrics.SetSplit(layout is null ? -1 : layout.FirstBlock == 0 ? layout.EndBlock : layout.FirstBlock);
    }

    /// <summary>Adds the KV handovers since the last call to the metrics (a gateway drives them; a peer imports and refuses parts).</summary>
    private void CountHandovers(RoleHost stage)
    {
        var now = stage.Gateway is { } g ? (g.HandedOver, g.HandoversFailed, g.HandoverRejected)
            : stage.Peer is { } p ? (p.HandedOver, 0L, p.HandoverRejected)
            : default;
        metrics.HandedOver(now.Item1 - _lastHandovers.HandedOver);
        metrics.HandoversFailed(now.Item2 - _lastHandovers.Failed);
        metrics.HandoverRejected(now.Item3 - _lastHandovers.Rejected);
        _lastHandovers = now;
    }

    private (long Steps, long Rejected, long Resent, long Rehomed, long Replayed) Counters(RoleHost stage) =>
        stage.Gateway is { } g
            ? (Interlocked.Read(ref _steps), g.Rejected, g.Resent, g.Rehomed, 0)
            : (stage.Peer!.Served, stage.Peer.Rejected, 0, 0, stage.Peer.Replayed);

    /// <summary>The STATUS= line while serving: the status summary in one line.</summary>
    private string Summary(RoleHost stage)
    {
        var c = Counters(stage);
        var s = node.Stage!;
        var requests = stage.Gateway is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{handle.Requests} requests, ");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{node.Role} {s.Node}: segments {Segments} of model {ModelId[..Math.Min(12, ModelId.Length)]} epoch {Epoch}; {requests}{c.Steps} steps, {c.Rejected} rejected, {c.Resent} resent, {Math.Max(0, _lastConnections - 1)} reconnects");
    }

    /// <summary>The retained status document (also the payload of the final "offline" status).</summary>
    private byte[] Report(NodeState state)
    {
        var stage = _stage!;
        var s = node.Stage!;
        var snapshot = snapshots.Create();
        var c = Counters(stage);
        var report = new NodeStatusReport
        {
            Node = s.Node,
            State = state,
            Version = Version,
            Roles = [node.Role],
            PlanEpoch = Epoch,
            Eligible = orchestration.Enabled ? orchestration.Eligible : null,
            StartedAt = _startedAt,
            Timestamp = time.GetUtcNow(),
            Site = s.Site,
            Status = state == NodeState.Offline ? "stopped" : status.Line,
            Healthy = snapshot.Healthy,
            HealthProblems = snapshot.HealthProblems,
            Segments = Segments,
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

    private NodeCapacityMessage Capacity(RoleHost stage)
    {
        var messages = stage.Client.Messages;
        return _capacity.Create(
            node.Stage!.Node,
            node.Role,
            ModelId,
            ActiveChain(stage),
            inFlightRequests: stage.Gateway is null ? null : handle.InFlight,
            queuedMessages: messages.CanCount ? messages.Count : null,
            _prober?.Estimates() ?? [],
            Hops(),
            time.GetUtcNow());
    }

    private double? DecodeMsPerUnit(RoleHost stage) => Capacity(stage).Models.FirstOrDefault()?.DecodeMsPerUnit;

    /// <summary>Publishes the retained <c>nodes/{node}/capacity</c>: what this node hosts, what a step costs it, its links.</summary>
    private async Task PublishCapacityAsync(RoleHost stage, CancellationToken stopping)
    {
        var options = node.Stage!;
        var capacity = Capacity(stage) with { DecodeStepMs = stage.Gateway is null ? null : MedianStepMs() };
        _republish.Published(capacity.Models.FirstOrDefault()?.DecodeMsPerUnit, time.GetElapsedTime(_created));
        var message = new MqttApplicationMessage(new TopicScheme(options.Site).NodeCapacity(options.Node), ControlMessageCodec.Encode(capacity), Retain: true)
        {
            Properties = new MqttMessageProperties { ContentType = "application/json" },
        };
        await stage.Client.PublishAsync(message, stopping).ConfigureAwait(false);
    }

    private IReadOnlyList<HopEstimate> Hops()
    {
        lock (_hops)
        {
            return _hops.Estimates(time.GetElapsedTime(_created));
        }
    }

    private double? MedianStepMs()
    {
        lock (_decodeSteps)
        {
            return _decodeSteps.Median();
        }
    }

    private static string ComputeStage(int firstSegment) =>
        firstSegment >= 0 && firstSegment < SegmentStageNames.Length
            ? SegmentStageNames[firstSegment]
            : "segment" + firstSegment.ToString(CultureInfo.InvariantCulture) + ".compute";

    /// <summary>The cut this node sits at: the first block after the gateway's segments, or the peer's first block.</summary>
    private static int SplitLayer(NodeRoleOptions stage, IReadOnlyList<SegmentDescription> segments)
    {
        var index = stage.FirstSegment == 0 ? stage.LastSegment + 1 : stage.FirstSegment;
        return index < segments.Count ? segments[index].FirstBlock : -1;
    }

    /// <summary>Gateway: each finished request's steps (end to end) and every stage's compute time.</summary>
    private void OnCompleted(GatewayGeneration generation)
    {
        Interlocked.Add(ref _steps, generation.Steps.Count);
        foreach (var step in generation.Steps)
        {
            if (step.Step > 0 && step.Stages.Count > 0)
            {
                _capacity.RecordDecode(TimeSpan.FromMicroseconds(step.Stages[0].ComputeUs)); // the gateway's own timing comes first
            }

            if (step.Step > 0)
            {
                lock (_decodeSteps)
                {
                    _decodeSteps.Add(step.Elapsed.TotalMilliseconds);
                }

                RecordHops(step);
            }

            metrics.RecordStage("step", step.Elapsed);
            foreach (var t in step.Stages)
            {
                metrics.RecordStage(ComputeStage(t.FirstSegment), TimeSpan.FromMicroseconds(t.ComputeUs));
            }
        }
    }

    /// <summary>Gateway: the hops of one decode step's frames, per link of its chain (<see cref="HopBook.RecordStep"/>).</summary>
    private void RecordHops(GatewayStep step)
    {
        var stages = new StageHop[step.Stages.Count];
        for (var i = 0; i < stages.Length; i++)
        {
            var t = step.Stages[i];
            stages[i] = new StageHop(t.Node, t.HopUs / 1000.0, (t.DecodeUs + t.ComputeUs + t.EncodeUs + t.QueueUs) / 1000.0);
        }

        lock (_hops)
        {
            _hops.RecordStep(node.Stage!.Node, stages, step.Elapsed.TotalMilliseconds, step.ReturnUs > 0 ? step.ReturnUs / 1000.0 : null, time.GetElapsedTime(_created));
        }
    }

    private void OnTraffic(RoleTrafficKind kind, int bytes)
    {
        switch (kind)
        {
            case RoleTrafficKind.FrameSent:
                metrics.FrameSent(bytes);
                break;
            case RoleTrafficKind.FrameReceived:
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
        if (!prefill && (!node.IsOrchestrated || committed.Layout is { } layout && timing.FirstSegment == layout.FirstBlock + 1))
        {
            _capacity.RecordDecode(TimeSpan.FromMicroseconds(timing.ComputeUs)); // an orchestrated peer: the active range's steps only
        }

        metrics.RecordStage(ComputeStage(timing.FirstSegment), TimeSpan.FromMicroseconds(timing.ComputeUs));
        metrics.RecordStage("step", TimeSpan.FromMicroseconds(timing.DecodeUs + timing.ComputeUs + timing.EncodeUs));
    }
}
