using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EdgeLam.Benchmarks;

/// <summary>
/// GB/s of float32 data (4 bytes × the <c>Elements</c> parameter) per operation, from the fastest iteration (robust on a shared, loaded machine), for benchmarks that have an
/// <c>Elements</c> parameter; "-" for the others.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "GB/s fp32";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Float32 bytes (4 x Elements) per nanosecond of the fastest iteration = GB/s";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        double? min = summary[benchmarkCase]?.ResultStatistics?.Min;
        if (min is null || !benchmarkCase.Parameters.Items.Any(p => p.Name == "Elements"))
        {
            return "-";
        }

        int elements = Convert.ToInt32(benchmarkCase.Parameters["Elements"], CultureInfo.InvariantCulture);
        return (elements * 4.0 / min.Value).ToString("F2", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
