using System.Diagnostics;
using System.Globalization;
using EdgeLam.Onnx.Interop;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Bench;

/// <summary>Cost per window of each tokenizer on the sim board's windows (mean over N iterations after warm-up).</summary>
internal static class TokenizationBench
{
    public static void Run(SensorsOptions options, int iterations, OnnxRuntime? ort)
    {
        using var runtime = SensorRuntime.Create(options);
        runtime.RunVirtual(2_000_000_000);
        var windows = new Dictionary<string, SensorWindow>();
        while (runtime.Windows.TryRead(out var w))
        {
            windows.TryAdd(w.Stream, w);
        }

        Console.WriteLine($"tokenization: sim board windows, {iterations} iterations each");
        var chronos = new ChronosTokenizer(options.Tokenizer.Chronos);
        foreach (var name in new[] { "env", "vibration", "motion" })
        {
            var w = windows[name];
            var ids = new int[ChronosTokenizer.TokenCount(w.Channels, w.Length)];
            var mask = new byte[ids.Length];
            var scales = new float[w.Channels];
            Measure($"chronos {name} ({w.Channels}x{w.Length})", iterations, () => chronos.Tokenize(w, ids, mask, scales));
        }

        var motion = windows["motion"];
        var p = options.Tokenizer.Patch.PatchLength;
        var patches = PatchFeatures.PatchCount(motion.Length, p);
        var width = PatchFeatures.FeatureSize(motion.Channels, p);
        var features = new float[patches * width];
        var means = new float[motion.Channels];
        var stds = new float[motion.Channels];
        Measure($"patch features motion ({motion.Channels}x{motion.Length} -> {patches}x{width})", iterations, () => PatchFeatures.Compute(motion, p, features, means, stds));
        if (ort is not null)
        {
            using var encoder = OnnxPatchEncoder.Open(options.Tokenizer.Patch, width, runtime: ort);
            var embeddings = new float[patches * encoder.HiddenSize];
            Measure($"patch encoder ORT ({patches}x{width} -> {patches}x{encoder.HiddenSize})", iterations, () =>
            {
                PatchFeatures.Compute(motion, p, features, means, stds);
                encoder.Encode(features, patches, width, embeddings);
            });
        }
    }

    private static void Measure(string label, int iterations, Action action)
    {
        for (var i = 0; i < Math.Min(500, iterations); i++)
        {
            action();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-52} {elapsed.TotalMicroseconds / iterations,9:F2} us/window  {(double)allocated / iterations,8:F0} B/window"));
    }
}
