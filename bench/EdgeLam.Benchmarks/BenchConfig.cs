using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace EdgeLam.Benchmarks;

/// <summary>
/// The default configuration for every benchmark here: a short job (one launch, 3 warm-ups, 15 iterations of about
/// 50 ms each, so a whole class runs in well under a minute) in process (no generated project, so the repository's
/// build settings do not interfere), with the median column (robust on a shared, loaded machine) and the memory
/// diagnoser for allocated bytes per operation.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.ShortRun
                .WithIterationCount(15)
                .WithIterationTime(TimeInterval.FromMilliseconds(50))
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("ShortInProcess"))
            .AddColumn(StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(new ThroughputColumn());
}
