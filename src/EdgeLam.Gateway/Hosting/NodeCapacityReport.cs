using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Costs;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// The capacity message of this node: its measured step costs (<see cref="Steps"/>) over the range it hosts, turned
/// into the planner's units by the model's cost table, the start-up <see cref="ComputeBenchmark"/> until the first
/// step of each kind, what the hosted layers cost, its load and its links.
/// </summary>
internal sealed class NodeCapacityReport
{
    private HostedRange _hosted = new(0, 0, false, false);
    private (CostTable Table, string Unit)? _costs; // absent from old manifests
    private ComputeBenchmark.Rate? _benchmark;
    private (double Decode, double Prefill)? _modelEstimate;

    /// <summary>
    /// The compute times of this node's steps, per compute unit of the range that ran them (per range without a cost
    /// table); kept when the hosted range changes (a node's time per unit is its own), forgotten by <see cref="Restart"/>.
    /// </summary>
    public StepCostMeter Steps { get; } = new();

    /// <summary>Records a decode step that took <paramref name="compute"/> over the hosted range (ignored when the range has no compute units).</summary>
    public void RecordDecode(TimeSpan compute)
    {
        if (Units() is { } units)
        {
            Steps.Record(compute, units);
        }
    }

    /// <summary>Samples the hosted chain's running prefill totals (<see cref="StepCostMeter.SamplePrefill"/>) per compute unit.</summary>
    public void SamplePrefill(long ticks, long positions, long ticksPerSecond)
    {
        if (Units() is { } units)
        {
            Steps.SamplePrefill(ticks, positions, ticksPerSecond, units);
        }
    }

    /// <summary>
    /// The range this node hosts and the model's cost table (null: no per-unit figures); runs the benchmark once, its
    /// runs slowed as the node's steps are (<paramref name="throttle"/>, <c>Node:Throttle</c>).
    /// </summary>
    public void Host(HostedRange hosted, ModelCostTable? costs, double throttle = StepThrottle.None)
    {
        _hosted = hosted;
        _costs = costs is null ? null : (CostTables.FromModel(costs), costs.ComputeUnit);
        _benchmark ??= costs is null ? null : ComputeBenchmark.Run(throttle);
    }

    /// <summary>
    /// The node's figures start over (its throttle changed): its steps are forgotten, and the estimate until its next
    /// steps is <paramref name="modelEstimate"/> (an orchestrated node's <see cref="ModelBenchmark"/>, ms per unit)
    /// or, without one, the micro-benchmark run again at <paramref name="throttle"/>.
    /// </summary>
    public void Restart(double throttle, (double Decode, double Prefill)? modelEstimate)
    {
        Steps.Reset();
        _modelEstimate = modelEstimate;
        if (modelEstimate is null && _costs is not null)
        {
            _benchmark = ComputeBenchmark.Run(throttle);
        }
    }

    /// <summary>
    /// Another run of the model benchmark while the node has no steps of its own: each figure keeps the lower of the
    /// two (the run least slowed by other work on the machine; the first run, at start, competes with the whole
    /// site starting). Ignored when there is no estimate yet or the run failed.
    /// </summary>
    public void Refine((double Decode, double Prefill)? run)
    {
        if (_modelEstimate is { } e && run is { } r)
        {
            _modelEstimate = (Math.Min(e.Decode, r.Decode), Math.Min(e.Prefill, r.Prefill));
        }
    }

    /// <summary>The capacity message; <paramref name="chain"/> is the range new requests run on (null: none yet).</summary>
    public NodeCapacityMessage Create(
        string node,
        string role,
        string modelId,
        SegmentChain? chain,
        int? inFlightRequests,
        int? queuedMessages,
        IReadOnlyList<LinkEstimate> links,
        IReadOnlyList<HopEstimate> hops,
        DateTimeOffset now)
    {
        var table = _costs?.Table;
        var units = Units();
        var (decodeMs, prefillMs) = (Steps.MedianDecodeMs() * units, Steps.MedianPrefillMsPerPosition() * units); // over the hosted range
        var estimate = _modelEstimate ?? (_costs is { } c && _benchmark is { } b ? b.PerUnit(c.Unit) : ((double Decode, double Prefill)?)null);
        var (decodePerUnit, decodeSource) = Figure(table is null ? null : Steps.MedianDecodeMs(), estimate?.Decode);
        var (prefillPerUnit, prefillSource) = Figure(table is null ? null : Steps.MedianPrefillMsPerPosition(), estimate?.Prefill);
        return new NodeCapacityMessage
        {
            Node = node,
            Roles = [role],
            Models =
            [
                new HostedSegments
                {
                    ModelId = modelId,
                    FirstLayer = _hosted.FirstBlock,
                    EndLayer = _hosted.EndBlock,
                    Embedding = _hosted.Embedding,
                    Head = _hosted.Head,
                    MaxSessions = chain?.MaxConversations ?? 0,
                    ActiveSessions = chain?.Conversations ?? 0,
                    InFlightRequests = inFlightRequests,
                    QueuedMessages = queuedMessages,
                    DecodeMsPerLayer = _hosted.MsPerBlock(decodeMs),
                    DecodeSteps = Steps.Count,
                    DecodeMsPerUnit = decodePerUnit,
                    DecodeSource = decodeSource,
                    PrefillMsPerPositionPerLayer = _hosted.MsPerBlock(prefillMs),
                    PrefillMsPerPositionPerUnit = prefillPerUnit,
                    PrefillSource = prefillSource,
                    PrefillPositions = Steps.PrefillPositions,
                    WeightBytes = table is null ? null : _hosted.WeightBytes(table),
                    KvBytesPerPosition = table is null ? null : _hosted.KvBytesPerPosition(table),
                    Layers = table is null ? null : Layers(table),
                },
            ],
            CpuCount = Environment.ProcessorCount,
            MemoryBytes = MemoryInfo.AvailableBytes(),
            Timestamp = now,
            Links =
            [
                .. links.Select(l => new LinkCapacity
                {
                    To = l.Peer,
                    RoundTripMs = l.RoundTripMs,
                    BytesPerSecond = l.BytesPerSecond,
                    Answered = l.Answered,
                    Lost = l.Lost,
                }),
            ],
            Hops = hops.Count == 0 ? null : [.. hops.Select(h => new HopCapacity { From = h.From, To = h.To, OneWayMs = h.OneWayMs, Samples = h.Samples })],
        };
    }

    /// <summary>Compute units of the hosted range (1 without a cost table: figures per range); null when it has none.</summary>
    private double? Units() =>
        _costs is not { } c ? 1 : _hosted.ComputeUnits(c.Table) is var units && units > 0 ? units : null;

    private List<LayerCost> Layers(CostTable table) =>
    [
        .. Enumerable.Range(_hosted.FirstBlock, _hosted.BlockCount).Select(i => new LayerCost
        {
            Layer = i,
            WeightBytes = table.Blocks[i].WeightBytes,
            KvBytesPerPosition = table.Blocks[i].KvBytesPerPosition,
            ComputeUnits = table.Blocks[i].ComputeUnits,
        }),
    ];

    /// <summary>The measured figure when there is one, else the benchmark's estimate, with where it comes from.</summary>
    private static (double? Value, ComputeSource? Source) Figure(double? measured, double? estimate) =>
        measured is { } m ? (m, ComputeSource.Measured) : estimate is { } e ? (e, ComputeSource.Benchmark) : (null, null);
}
