using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Benchmarks;

/// <summary>
/// The models the inference benchmarks share within one process: the <c>small</c> preset (fp32, seed 7), built once
/// (or taken from EDGELAM_BENCH_SMALL), and its split at block boundary 6, plus one ORT runtime with one intra-op thread.
/// </summary>
internal static class InferenceModels
{
    private static readonly Lazy<string> Root = new(() => Directory.CreateTempSubdirectory("edgelam-bench-").FullName);

    private static readonly Lazy<OnnxRuntime> LazyRuntime = new(() =>
        OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = 1 }));

    private static readonly Lazy<string> LazySmall = new(() =>
    {
        if (Environment.GetEnvironmentVariable("EDGELAM_BENCH_SMALL") is { Length: > 0 } given)
        {
            return given;
        }

        var dir = Path.Combine(Root.Value, "small");
        SyntheticPresets.TryGet("small", out var config);
        SyntheticModelBuilder.Build(config!, 7, SyntheticDataType.Float32, dir);
        return dir;
    });

    private static readonly Lazy<string> LazySmallSplit = new(() =>
    {
        var dir = Path.Combine(Root.Value, "small-split-6");
        if (!File.Exists(Path.Combine(dir, SplitManifest.FileName)))
        {
            ModelSplitter.Split(ModelFile.Load(Path.Combine(LazySmall.Value, "model.onnx")), SplitPlan.AtBoundaries(6), dir);
        }

        return dir;
    });

    public static OnnxRuntime Runtime => LazyRuntime.Value;

    public static string Small => LazySmall.Value;

    public static string SmallSplit => LazySmallSplit.Value;

    public static InferencePipeline Open(string directory, WireCodec? wire) =>
        InferencePipeline.Open(Runtime, directory, new PipelineOptions { ContextLimit = 512, Wire = wire });

    public static long[] Prompt(int length)
    {
        var random = new Random(5);
        return [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(3, 32000))];
    }
}
