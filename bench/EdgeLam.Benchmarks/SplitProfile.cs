using System.Globalization;
using EdgeLam.Inference.Pipeline;

namespace EdgeLam.Benchmarks;

/// <summary>
/// <c>-- split-profile [RUNS]</c>: where a split prefill's time goes. Alternates 128-token prefills of the unsplit
/// <c>small</c> model and its split at boundary 6 (so both see the same machine load) and prints, per variant, the
/// median and fastest step and each segment's time in ONNX Runtime; then decode steps, alternated at the same
/// positions, with the managed bytes each step allocates on its thread (BenchmarkDotNet's MemoryDiagnoser counts every
/// thread of the process, background runtime work included). A side-by-side check beside the BenchmarkDotNet ratio.
/// </summary>
internal static class SplitProfile
{
    public static void Print(TextWriter output, int runs)
    {
        var prompt = InferenceModels.Prompt(128);
        var variants = new[]
        {
            ("unsplit", InferenceModels.Open(InferenceModels.Small, null)),
            ("split 6", InferenceModels.Open(InferenceModels.SmallSplit, null)),
        };
        var totals = variants.Select(_ => new List<double>()).ToArray();
        var segments = variants.Select(v => Enumerable.Range(0, v.Item2.Segments.Count).Select(_ => new List<double>()).ToArray()).ToArray();
        for (var r = -3; r < runs; r++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var pipeline = variants[v].Item2;
                pipeline.Drop(Guid.Empty);
                pipeline.Prefill(Guid.Empty, prompt);
                if (r < 0)
                {
                    continue;
                }

                totals[v].Add(StepTimings.Milliseconds(pipeline.Timings.TotalTicks));
                for (var s = 0; s < segments[v].Length; s++)
                {
                    segments[v][s].Add(StepTimings.Milliseconds(pipeline.Timings.SegmentTicks[s]));
                }
            }
        }

        // Decode: both variants step through the same positions (129-250), alternately.
        var decode = variants.Select(_ => new List<double>()).ToArray();
        var conversation = Guid.NewGuid();
        foreach (var (_, pipeline) in variants)
        {
            pipeline.Prefill(conversation, prompt);
        }

        var allocated = new long[variants.Length];
        // One warm-up cycle through positions 129-250 first (the first step at a cache capacity plans its binding).
        for (var r = -125; r < runs * 5; r++)
        {
            for (var v = 0; v < variants.Length; v++)
            {
                var pipeline = variants[v].Item2;
                if (pipeline.Length(conversation) >= 250)
                {
                    pipeline.Rewind(conversation, prompt.Length);
                }

                var before = GC.GetAllocatedBytesForCurrentThread();
                pipeline.Decode(conversation, 17);
                if (r >= 0)
                {
                    allocated[v] += GC.GetAllocatedBytesForCurrentThread() - before;
                    decode[v].Add(StepTimings.Milliseconds(pipeline.Timings.TotalTicks));
                }
            }
        }

        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "prefill 128: split/unsplit median {0:F3}, min {1:F3}; decode step: median {2:F3}, min {3:F3} ({4} prefills, {5} decode steps each)",
            Median(totals[1]) / Median(totals[0]), totals[1].Min() / totals[0].Min(), Median(decode[1]) / Median(decode[0]), decode[1].Min() / decode[0].Min(), runs, runs * 5));
        for (var v = 0; v < variants.Length; v++)
        {
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-8} decode median {1,6:F2} ms min {2,6:F2} ms, managed bytes allocated per step on the calling thread {3}", variants[v].Item1, Median(decode[v]), decode[v].Min(), allocated[v] / (runs * 5)));
            var line = string.Format(CultureInfo.InvariantCulture, "{0,-8} step median {1,8:F2} ms min {2,8:F2} ms", variants[v].Item1, Median(totals[v]), totals[v].Min());
            for (var s = 0; s < segments[v].Length; s++)
            {
                line += string.Format(CultureInfo.InvariantCulture, " | seg{0} median {1,8:F2} min {2,8:F2}", s, Median(segments[v][s]), segments[v][s].Min());
            }

            output.WriteLine(line);
            variants[v].Item2.Dispose();
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
