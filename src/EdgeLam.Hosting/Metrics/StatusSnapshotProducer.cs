using System.Text.Json;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Health;
using EdgeLam.Hosting.Options;
using EdgeLam.Hosting.Status;

namespace EdgeLam.Hosting.Metrics;

/// <summary>
/// Builds the status summary the MQTT layer publishes (retained) on the node's status topic every
/// <c>Metrics:StatusInterval</c>: identity, STATUS line, health, split/epoch, counters and per-stage latency.
/// </summary>
public sealed class StatusSnapshotProducer(
    MetricsCollector collector,
    EdgeLamMetrics metrics,
    SettingsStore settings,
    ServiceStatus status,
    HealthMonitor health,
    TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public StatusSnapshot Create()
    {
        var instruments = collector.Collect().ToDictionary(i => i.Name, StringComparer.Ordinal);
        var s = settings.Current;
        var report = health.Evaluate();
        return new StatusSnapshot
        {
            Node = s.Node.Name,
            Role = NodeOptions.RoleName(s.Node.Role),
            Site = s.Node.Site,
            Board = s.Board.Name,
            State = status.Line,
            Healthy = report.IsHealthy,
            HealthProblems = report.IsHealthy ? null : report.Failures,
            Timestamp = time.GetUtcNow(),
            UptimeSeconds = Math.Round(time.GetElapsedTime(_started).TotalSeconds, 3),
            Split = metrics.Split >= 0 ? metrics.Split : null,
            Epoch = metrics.Epoch >= 0 ? metrics.Epoch : null,
            Frames = ByTag(instruments, "edgelam.frames"),
            Bytes = ByTag(instruments, "edgelam.bytes"),
            Drops = ByTag(instruments, "edgelam.drops"),
            Reconnects = ByTag(instruments, "edgelam.mqtt.reconnects").Values.Sum(),
            SensorErrors = ByTag(instruments, "edgelam.sensor.errors"),
            Stages = instruments.TryGetValue("edgelam.stage.duration", out var stages)
                ? stages.Series.ToDictionary(x => x.Tags.Count > 0 ? x.Tags[0].Value : "", Summarize, StringComparer.Ordinal)
                : new Dictionary<string, StageSummary>(),
        };
    }

    /// <summary>The snapshot as UTF-8 JSON (source-generated serializer).</summary>
    public byte[] CreateJson() => JsonSerializer.SerializeToUtf8Bytes(Create(), HostingJsonContext.Default.StatusSnapshot);

    private static Dictionary<string, long> ByTag(Dictionary<string, InstrumentSnapshot> instruments, string name)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (instruments.TryGetValue(name, out var instrument))
        {
            foreach (var series in instrument.Series)
            {
                var key = series.Tags.Count > 0 ? series.Tags[0].Value : "total";
                result[key] = result.GetValueOrDefault(key) + (long)series.Value;
            }
        }

        return result;
    }

    internal static StageSummary Summarize(SeriesSnapshot series) => new()
    {
        Count = series.Count,
        MeanMs = series.Count == 0 ? 0 : Math.Round(series.Sum / series.Count * 1000, 3),
        P50Ms = Math.Round(Quantile(series, 0.50) * 1000, 3),
        P95Ms = Math.Round(Quantile(series, 0.95) * 1000, 3),
        P99Ms = Math.Round(Quantile(series, 0.99) * 1000, 3),
    };

    /// <summary>Linear interpolation inside the bucket holding the q-th observation (as Prometheus' histogram_quantile).</summary>
    internal static double Quantile(SeriesSnapshot series, double q)
    {
        var buckets = series.BucketCounts!;
        if (series.Count == 0)
        {
            return 0;
        }

        var bounds = MetricsCollector.DurationBuckets;
        var rank = q * series.Count;
        long cumulative = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            if (cumulative + buckets[i] >= rank && buckets[i] > 0)
            {
                if (i == bounds.Length)
                {
                    return bounds[^1]; // above the highest bound: report the bound, as histogram_quantile does
                }

                var lower = i == 0 ? 0 : bounds[i - 1];
                return lower + ((bounds[i] - lower) * (rank - cumulative) / buckets[i]);
            }

            cumulative += buckets[i];
        }

        return bounds[^1];
    }
}
