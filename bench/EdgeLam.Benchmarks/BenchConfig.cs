using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace EdgeLam.Benchmarks;

/// <summary>
/// The default configuration for every benchmark here: BenchmarkDotNet's short run (3 warm-ups, 3 iterations, one
/// launch) in process (no generated project, so the repository's build settings do not interfere), with the memory
/// diagnoser for allocated bytes per operation.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(new ThroughputColumn());
}
