using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Transport.Tests.Layouts;

/// <summary>
/// A synthetic Llama of 4 blocks, built once, as a whole export (the reference) and split at every block (what
/// orchestrated nodes open their ranges from), with the same APIs as <c>edgelam model build</c> / <c>model split</c>.
/// </summary>
public sealed class LiveLayoutFixture : IDisposable
{
    public const int Blocks = 4;
    public const int ContextLimit = 256;
    private readonly TempDirectory _temp = new("edgelam-layouts-");

    public LiveLayoutFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
        var config = SyntheticPresets.Tiny with { Name = "tiny-4", Layers = Blocks };
        Export = _temp.Combine("export");
        SyntheticModelBuilder.Build(config, 11, SyntheticDataType.Float32, Export);
        Vocabulary = config.VocabSize;
        PerBlock = _temp.Combine("per-block");
        ModelSplitter.Split(ModelFile.Load(Path.Combine(Export, "model.onnx")), SplitPlan.AtBoundaries(0, 1, 2, 3, 4), PerBlock);
    }

    public OnnxRuntime Runtime { get; }

    /// <summary>The unsplit export (model.onnx).</summary>
    public string Export { get; }

    /// <summary>The export split at every block boundary: embedding, block 0..3, head.</summary>
    public string PerBlock { get; }

    public int Vocabulary { get; }

    /// <summary>A deterministic prompt of token ids in [3, vocabulary).</summary>
    public long[] Prompt(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(3, Vocabulary))];
    }

    /// <summary>The reference: the unsplit model, greedy, in this process.</summary>
    public IReadOnlyList<long> Unsplit(long[] prompt, int maxNewTokens)
    {
        using var pipeline = InferencePipeline.Open(Runtime, Export, new PipelineOptions { ContextLimit = ContextLimit });
        return [.. pipeline.Generate(Guid.NewGuid(), prompt, new GenerationOptions { MaxNewTokens = maxNewTokens }).Tokens];
    }

    public void Dispose()
    {
        Runtime.Dispose();
        _temp.Dispose();
    }
}

[CollectionDefinition(nameof(LiveLayoutCollection))]
public sealed class LiveLayoutCollection : ICollectionFixture<LiveLayoutFixture>
{
}
