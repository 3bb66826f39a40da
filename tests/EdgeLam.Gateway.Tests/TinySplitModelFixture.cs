using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Gateway.Tests;

/// <summary>
/// The synthetic <c>tiny</c> preset (2 blocks) built once, split 2-way (segments 0 and 1) and 3-way (0, 1, 2) with
/// the same APIs as <c>edgelam model build</c> / <c>model split</c>, and one ORT runtime for in-test stages.
/// </summary>
public sealed class TinySplitModelFixture : IDisposable
{
    public const int ContextLimit = 256;
    private readonly TempDirectory _temp = new("edgelam-daemon-model-");

    public TinySplitModelFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
        var model = _temp.Combine("tiny");
        SyntheticPresets.TryGet("tiny", out var config);
        SyntheticModelBuilder.Build(config!, 7, SyntheticDataType.Float32, model);
        Vocabulary = config!.VocabSize;
        var source = ModelFile.Load(Path.Combine(model, "model.onnx"));
        TwoWay = _temp.Combine("split-2");
        ModelSplitter.Split(source, SplitPlan.AtBoundaries(1), TwoWay);
        ThreeWay = _temp.Combine("split-3");
        ModelSplitter.Split(source, SplitPlan.AtBoundaries(1, 2), ThreeWay);
    }

    public OnnxRuntime Runtime { get; }

    public string TwoWay { get; }

    public string ThreeWay { get; }

    public int Vocabulary { get; }

    public long[] Prompt(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(3, Vocabulary))];
    }

    /// <summary>The reference: the same split chained in this process.</summary>
    public IReadOnlyList<long> InProcess(string splitDirectory, long[] prompt, int maxNewTokens)
    {
        using var pipeline = InferencePipeline.Open(Runtime, splitDirectory, new PipelineOptions { ContextLimit = ContextLimit, Wire = WireCodec.Raw });
        return [.. pipeline.Generate(Guid.NewGuid(), prompt, new GenerationOptions { MaxNewTokens = maxNewTokens }).Tokens];
    }

    public void Dispose()
    {
        Runtime.Dispose();
        _temp.Dispose();
    }
}
