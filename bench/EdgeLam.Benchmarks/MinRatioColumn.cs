using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EdgeLam.Benchmarks;

/// <summary>
/// Fastest iteration of a case divided by the fastest iteration of its baseline (for example a codec against
/// memcpy of the same bytes). On a machine shared with other work the minimum is far less disturbed than the mean.
/// </summary>
public sealed class MinRatioColumn : IColumn
{
    public string Id => nameof(MinRatioColumn);

    public string ColumnName => "Ratio (min)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Fastest iteration / fastest iteration of the baseline";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        double? min = summary[benchmarkCase]?.ResultStatistics?.Min;
        double? baselineMin = baseline is null ? null : summary[baseline]?.ResultStatistics?.Min;
        return min is null || baselineMin is null or 0
            ? "-"
            : (min.Value / baselineMin.Value).ToString("F2", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
