using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EdgeLam.Hosting.Metrics;

public enum InstrumentKind
{
    Counter,
    Histogram,
    Gauge,
}

/// <summary>One instrument's series at collection time.</summary>
public sealed record InstrumentSnapshot(string Name, string? Unit, string? Description, InstrumentKind Kind, IReadOnlyList<SeriesSnapshot> Series);

/// <summary>One tag combination: <see cref="Value"/> for counters and gauges; count, sum and per-bucket counts
/// (non-cumulative, last one above the highest bound) for histograms.</summary>
public sealed record SeriesSnapshot(IReadOnlyList<KeyValuePair<string, string>> Tags, double Value, long Count, double Sum, IReadOnlyList<long>? BucketCounts);

/// <summary>
/// Aggregates the measurements of one <see cref="EdgeLamMetrics"/> (only its meter instance) with a
/// <see cref="MeterListener"/>: sums for counters, last value for gauges, fixed buckets for histograms.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>Histogram bucket upper bounds in seconds (0.5 ms … 10 s).</summary>
    public static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();

    public MetricsCollector(EdgeLamMetrics metrics)
    {
        var meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                var series = _instruments.GetOrAdd(instrument, static i => new InstrumentSeries(i));
                listener.EnableMeasurementEvents(instrument, series);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Observes the gauges and returns every instrument, ordered by name.</summary>
    public IReadOnlyList<InstrumentSnapshot> Collect()
    {
        _listener.RecordObservableInstruments();
        return [.. _instruments.Values.Select(s => s.Snapshot()).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    public void Dispose() => _listener.Dispose();

    private sealed class InstrumentSeries(Instrument instrument)
    {
        private readonly ConcurrentDictionary<(string?, string?, string?, string?), Series> _series = new();

        public InstrumentKind Kind { get; } = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> => InstrumentKind.Counter,
            Histogram<double> or Histogram<long> or Histogram<int> => InstrumentKind.Histogram,
            _ => InstrumentKind.Gauge,
        };

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            // Up to two tags form the key without allocating; further tags are folded into the second value.
            var key = tags.Length switch
            {
                0 => ((string?)null, (string?)null, (string?)null, (string?)null),
                1 => (tags[0].Key, Text(tags[0].Value), null, null),
                2 => (tags[0].Key, Text(tags[0].Value), tags[1].Key, Text(tags[1].Value)),
                _ => (tags[0].Key, Text(tags[0].Value), "tags", string.Join(",", tags[1..].ToArray().Select(t => t.Key + "=" + Text(t.Value)))),
            };
            if (!_series.TryGetValue(key, out var series))
            {
                series = _series.GetOrAdd(key, k => new Series(Kind, k));
            }

            series.Record(value);
        }

        public InstrumentSnapshot Snapshot() => new(
            instrument.Name,
            instrument.Unit,
            instrument.Description,
            Kind,
            [.. _series.Values.Select(s => s.Snapshot()).OrderBy(s => string.Join(",", s.Tags.Select(t => t.Value)), StringComparer.Ordinal)]);

        private static string? Text(object? value) => value as string ?? value?.ToString();
    }

    private sealed class Series
    {
        private readonly Lock _gate = new();
        private readonly InstrumentKind _kind;
        private readonly KeyValuePair<string, string>[] _tags;
        private readonly long[]? _buckets;
        private double _value;
        private double _sum;
        private long _count;

        public Series(InstrumentKind kind, (string? K1, string? V1, string? K2, string? V2) key)
        {
            _kind = kind;
            var tags = new List<KeyValuePair<string, string>>();
            if (key.K1 is not null)
            {
                tags.Add(new(key.K1, key.V1 ?? ""));
            }

            if (key.K2 is not null)
            {
                tags.Add(new(key.K2, key.V2 ?? ""));
            }

            _tags = [.. tags];
            _buckets = kind == InstrumentKind.Histogram ? new long[DurationBuckets.Length + 1] : null;
        }

        public void Record(double value)
        {
            lock (_gate)
            {
                switch (_kind)
                {
                    case InstrumentKind.Counter:
                        _value += value;
                        break;
                    case InstrumentKind.Gauge:
                        _value = value;
                        break;
                    default:
                        var i = 0;
                        while (i < DurationBuckets.Length && value > DurationBuckets[i])
                        {
                            i++;
                        }

                        _buckets![i]++;
                        _sum += value;
                        _count++;
                        break;
                }
            }
        }

        public SeriesSnapshot Snapshot()
        {
            lock (_gate)
            {
                return new SeriesSnapshot(_tags, _value, _count, _sum, _buckets is null ? null : [.. _buckets]);
            }
        }
    }
}
