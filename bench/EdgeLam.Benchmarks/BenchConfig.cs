using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace EdgeLam.Benchmarks;

/// <summary>
/// The default configuration for every benchmark here: a short job (one launch, 3 warm-ups, 30 iterations of about
/// 25 ms each, so a case takes about a second) in process (no generated project, so the repository's build settings
/// do not interfere), with min and median columns, throughput and ratio from the fastest iteration (robust when the
/// machine is shared with other work) and the memory diagnoser for allocated bytes per operation.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.ShortRun
                .WithIterationCount(30)
                .WithIterationTime(TimeInterval.FromMilliseconds(25))
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("ShortInProcess"))
            .AddColumn(StatisticColumn.Min, StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(new ThroughputColumn(), new MinRatioColumn());
}
