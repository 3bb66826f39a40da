using System.Globalization;
using System.Text;

namespace EdgeLam.Hosting.Metrics;

/// <summary>Prometheus text exposition format 0.0.4 for collected instruments.</summary>
public static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<InstrumentSnapshot> instruments)
    {
        var sb = new StringBuilder(4096);
        foreach (var instrument in instruments)
        {
            var name = MetricName(instrument);
            if (instrument.Description is { Length: > 0 } help)
            {
                sb.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).ReplaceLineEndings("\\n")).Append('\n');
            }

            sb.Append("# TYPE ").Append(name).Append(' ').Append(instrument.Kind switch
            {
                InstrumentKind.Counter => "counter",
                InstrumentKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');

            foreach (var series in instrument.Series)
            {
                if (instrument.Kind != InstrumentKind.Histogram)
                {
                    Sample(sb, name, series.Tags, null, series.Value);
                    continue;
                }

                long cumulative = 0;
                var buckets = series.BucketCounts!;
                for (var i = 0; i < buckets.Count; i++)
                {
                    cumulative += buckets[i];
                    var le = i < MetricsCollector.DurationBuckets.Length ? Number(MetricsCollector.DurationBuckets[i]) : "+Inf";
                    Sample(sb, name + "_bucket", series.Tags, le, cumulative);
                }

                Sample(sb, name + "_sum", series.Tags, null, series.Sum);
                Sample(sb, name + "_count", series.Tags, null, series.Count);
            }
        }

        return sb.ToString();
    }

    /// <summary><c>edgelam.stage.duration</c> (s) → <c>edgelam_stage_duration_seconds</c>; counters end in <c>_total</c>.</summary>
    public static string MetricName(InstrumentSnapshot instrument)
    {
        var name = instrument.Name.Replace('.', '_').Replace('-', '_');
        var suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => "",
        };
        if (!name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        return instrument.Kind == InstrumentKind.Counter ? name + "_total" : name;
    }

    private static void Sample(StringBuilder sb, string name, IReadOnlyList<KeyValuePair<string, string>> tags, string? le, double value)
    {
        sb.Append(name);
        if (tags.Count > 0 || le is not null)
        {
            sb.Append('{');
            var first = true;
            foreach (var (key, v) in tags)
            {
                Label(sb, key.Replace('.', '_'), v, ref first);
            }

            if (le is not null)
            {
                Label(sb, "le", le, ref first);
            }

            sb.Append('}');
        }

        sb.Append(' ').Append(Number(value)).Append('\n');
    }

    private static void Label(StringBuilder sb, string key, string value, ref bool first)
    {
        if (!first)
        {
            sb.Append(',');
        }

        first = false;
        sb.Append(key).Append("=\"")
            .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).ReplaceLineEndings("\\n"))
            .Append('"');
    }

    private static string Number(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
}
