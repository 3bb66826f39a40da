using System.Diagnostics.Metrics;

namespace EdgeLam.Hosting.Metrics;

/// <summary>
/// Every EdgeLam instrument, in one meter (<see cref="MeterName"/>). Components take this class from DI and call
/// the typed methods; the Prometheus endpoint and the status summary read the instruments through
/// <see cref="MetricsCollector"/>. Recording does not allocate.
/// </summary>
public sealed class EdgeLamMetrics : IDisposable
{
    public const string MeterName = "EdgeLam";

    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _frames;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _drops;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _sensorErrors;
    private readonly Counter<long> _readings;
    private readonly Counter<long> _resplits;
    private readonly Counter<long> _handovers;
    private readonly Counter<long> _offline;
    private long _offlineBacklog;
    private int _split = -1;
    private double _predictedStep = double.NaN;
    private double _measuredStep = double.NaN;
    private long _epoch = -1;

    public EdgeLamMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _stageDuration = Meter.CreateHistogram<double>("edgelam.stage.duration", "s", "Time spent in one pipeline stage (tag stage).");
        _frames = Meter.CreateCounter<long>("edgelam.frames", "{frame}", "Activation frames sent or received (tag direction).");
        _bytes = Meter.CreateCounter<long>("edgelam.bytes", "By", "Activation payload bytes sent or received (tag direction).");
        _drops = Meter.CreateCounter<long>("edgelam.drops", "{frame}", "Frames or requests dropped (tag reason).");
        _reconnects = Meter.CreateCounter<long>("edgelam.mqtt.reconnects", "{reconnect}", "Broker reconnections.");
        _sensorErrors = Meter.CreateCounter<long>("edgelam.sensor.errors", "{error}", "Sensor read errors (tag sensor).");
        _readings = Meter.CreateCounter<long>("edgelam.sensor.readings", "{reading}", "Readings other devices published over MQTT (tag outcome: accepted, rejected).");
        Meter.CreateObservableGauge("edgelam.split.layer", () => Volatile.Read(ref _split), "{layer}", "Current split boundary (first layer of the next segment); -1 before a plan.");
        Meter.CreateObservableGauge("edgelam.plan.epoch", () => Volatile.Read(ref _epoch), "{epoch}", "Current plan epoch; -1 before a plan.");
        Meter.CreateObservableGauge("edgelam.gc.heap", static () => GC.GetGCMemoryInfo().HeapSizeBytes, "By", "Managed heap size after the last garbage collection.");
        Meter.CreateObservableGauge("edgelam.gc.allocated", static () => GC.GetTotalAllocatedBytes(), "By", "Managed bytes allocated since the process started (a steady slope is the allocation rate).");
        _resplits = Meter.CreateCounter<long>("edgelam.plan.resplits", "{plan}", "Plans the orchestrator proposed (tag reason: NodeJoined, NodeLeft, CapacityGain, MemoryPressure, QosBreach).");
        _handovers = Meter.CreateCounter<long>("edgelam.kv.handovers", "{handover}", "KV handovers of running conversations to a newer layout (tag outcome: handed-over, failed, rejected).");
        Meter.CreateObservableGauge("edgelam.plan.predicted_step", () => Volatile.Read(ref _predictedStep) / 1000, "s", "Decode step the orchestrator predicted for its last plan; NaN before one.");
        _offline = Meter.CreateCounter<long>("edgelam.offline.requests", "{request}", "Sensor requests of the offline queue (tag outcome: queued, delivered, dropped).");
        Meter.CreateObservableGauge("edgelam.offline.backlog", () => Volatile.Read(ref _offlineBacklog), "{window}", "Sensor windows waiting in the offline queue.");
        Meter.CreateObservableGauge("edgelam.plan.measured_step", () => Volatile.Read(ref _measuredStep) / 1000, "s", "Decode step measured by the slowest gateway (median of recent steps); NaN before one.");
    }

    /// <summary>The orchestrator proposed a plan for <paramref name="reason"/>.</summary>
    public void Resplit(string reason) => _resplits.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Adds <paramref name="count"/> conversations moved to a newer layout by KV handover (no replay); 0 records nothing.</summary>
    public void HandedOver(long count) => Handovers("handed-over", count);

    /// <summary>Adds <paramref name="count"/> KV handovers that failed (refused, damaged, timed out) and fell back to replay.</summary>
    public void HandoversFailed(long count) => Handovers("failed", count);

    /// <summary>Adds <paramref name="count"/> KV handover messages this node refused (damaged, foreign, not fitting its layouts).</summary>
    public void HandoverRejected(long count) => Handovers("rejected", count);

    /// <summary>The decode step predicted for the latest proposed plan, milliseconds.</summary>
    public void SetPredictedStep(double ms) => Volatile.Write(ref _predictedStep, ms);

    /// <summary>The measured decode step the orchestrator plans against, milliseconds.</summary>
    public void SetMeasuredStep(double ms) => Volatile.Write(ref _measuredStep, ms);

    public Meter Meter { get; }

    /// <summary>Current split boundary, as last set.</summary>
    public int Split => Volatile.Read(ref _split);

    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Records one stage's duration (stage names: sensor, tokenize, encode, infer, send, receive, decode, …).</summary>
    public void RecordStage(string stage, TimeSpan duration) =>
        _stageDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    public void FrameSent(int bytes) => Frame("sent", bytes);

    public void FrameReceived(int bytes) => Frame("received", bytes);

    public void Dropped(string reason) => _drops.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Reconnected() => _reconnects.Add(1);

    public void SensorError(string sensor) => _sensorErrors.Add(1, new KeyValuePair<string, object?>("sensor", sensor));

    /// <summary>Adds <paramref name="count"/> MQTT readings of <paramref name="outcome"/> (accepted or rejected); 0 records nothing.</summary>
    public void Readings(string outcome, long count)
    {
        if (count > 0)
        {
            _readings.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Adds <paramref name="count"/> offline-queue requests of <paramref name="outcome"/> (queued, delivered, dropped); 0 records nothing.</summary>
    public void OfflineRequests(string outcome, long count)
    {
        if (count > 0)
        {
            _offline.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Windows waiting in the offline queue now.</summary>
    public void SetOfflineBacklog(long windows) => Volatile.Write(ref _offlineBacklog, windows);

    public void SetSplit(int layer) => Volatile.Write(ref _split, layer);

    public void SetEpoch(long epoch) => Volatile.Write(ref _epoch, epoch);

    private void Handovers(string outcome, long count)
    {
        if (count > 0)
        {
            _handovers.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private void Frame(string direction, int bytes)
    {
        var tag = new KeyValuePair<string, object?>("direction", direction);
        _frames.Add(1, tag);
        _bytes.Add(bytes, tag);
    }

    public void Dispose() => Meter.Dispose();
}
