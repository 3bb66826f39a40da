using System.Diagnostics;
using System.Globalization;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;

namespace EdgeLam.Benchmarks;

/// <summary>
/// <c>-- range-profile [STEPS]</c>: the decode step of the <c>small</c> model as 14 per-block segments chained in one
/// process against the unsplit model, alternated step by step at the same positions (129-250) so both see the same
/// machine load; prints the median and fastest wall time of each (the whole <c>RunTokens</c> call, chaining included),
/// their ratios, and the managed bytes each step allocates on the calling thread. A side-by-side check beside
/// BenchmarkDotNet's <see cref="RangeBenchmarks"/> on a shared machine.
/// </summary>
internal static class RangeProfile
{
    public static void Print(TextWriter output, int steps)
    {
        var prompt = InferenceModels.Prompt(128);
        var library = RangeBenchmarks.Library.Value;
        PrintPrepare(output, library);
        var variants = new[]
        {
            ("unsplit", SegmentChain.Open(InferenceModels.Runtime, InferenceModels.Small, RangeBenchmarks.Limits)),
            ("per-block", library.Open(library.Range(0, library.Blocks), RangeBenchmarks.Limits)),
        };
        var conversation = Guid.NewGuid();
        foreach (var (_, chain) in variants)
        {
            chain.RunTokens(conversation, prompt);
        }

        var times = variants.Select(_ => new List<double>()).ToArray();
        var allocated = new long[variants.Length];
        ReadOnlySpan<long> token = [17];

        // One warm-up cycle through positions 129-250 first (the first step at a cache capacity plans its binding).
        for (var r = -125; r < steps; r++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var chain = variants[v].Item2;
                if (chain.Length(conversation) >= 250)
                {
                    chain.Rewind(conversation, prompt.Length);
                }

                var before = GC.GetAllocatedBytesForCurrentThread();
                var start = Stopwatch.GetTimestamp();
                chain.RunTokens(conversation, token);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (r >= 0)
                {
                    allocated[v] += GC.GetAllocatedBytesForCurrentThread() - before;
                    times[v].Add(elapsed);
                }
            }
        }

        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "decode step: per-block/unsplit median {0:F3}, min {1:F3} ({2} steps each, alternated)", Median(times[1]) / Median(times[0]), times[1].Min() / times[0].Min(), steps));
        for (var v = 0; v < variants.Length; v++)
        {
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-9} decode median {1,6:F2} ms min {2,6:F2} ms, managed bytes allocated per step on the calling thread {3}", variants[v].Item1, Median(times[v]), times[v].Min(), allocated[v] / steps));
            variants[v].Item2.Dispose();
        }
    }

    /// <summary>How long preparing the range [5, 12) takes: loading it from the per-block split, and cutting it out of the whole export.</summary>
    private static void PrintPrepare(TextWriter output, BlockLibrary perBlock)
    {
        var start = Stopwatch.GetTimestamp();
        perBlock.Open(perBlock.Range(5, perBlock.Blocks), RangeBenchmarks.Limits).Dispose();
        var load = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var work = Directory.CreateTempSubdirectory("edgelam-range-export-").FullName;
        start = Stopwatch.GetTimestamp();
        var export = BlockLibrary.FromExport(InferenceModels.Runtime, InferenceModels.Small, work);
        var detect = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        export.Open(export.Range(5, export.Blocks), RangeBenchmarks.Limits).Dispose();
        var cut = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        export.Open(export.Range(5, export.Blocks), RangeBenchmarks.Limits).Dispose();
        var again = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Directory.Delete(work, recursive: true);
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "prepare [5, 12): per-block split load {0:F2} s; whole export: find blocks {1:F2} s, first cut and load {2:F2} s, load again {3:F2} s", load, detect, cut, again));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
