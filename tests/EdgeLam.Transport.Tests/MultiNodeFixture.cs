using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Transport.Tests;

/// <summary>
/// One ORT runtime and the synthetic <c>tiny</c> preset (2 blocks), built once per test run and split 2-way (at block
/// boundary 1) and 3-way (at boundaries 1 and 2), with the same APIs as <c>edgelam model build</c> / <c>model split</c>.
/// </summary>
public sealed class MultiNodeFixture : IDisposable
{
    public const int ContextLimit = 256;
    private readonly TempDirectory _temp = new("edgelam-multinode-");

    public MultiNodeFixture()
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
        EmbeddingSplit = _temp.Combine("split-embedding");
        ModelSplitter.Split(source, SplitPlan.AtBoundaries(0, 1), EmbeddingSplit);
        HiddenSize = config.HiddenSize;
    }

    public OnnxRuntime Runtime { get; }

    /// <summary>tiny split into segments 0 (embedding + block 0) and 1 (block 1 + head).</summary>
    public string TwoWay { get; }

    /// <summary>tiny split into segments 0 (embedding + block 0), 1 (block 1) and 2 (head).</summary>
    public string ThreeWay { get; }

    /// <summary>tiny split into segments 0 (embedding only), 1 (block 0) and 2 (block 1 + head): a chain that starts from embeddings.</summary>
    public string EmbeddingSplit { get; }

    public int Vocabulary { get; }

    public int HiddenSize { get; }

    /// <summary>Deterministic embedding rows [positions, hidden] in [-1, 1).</summary>
    public float[] Embeddings(int positions, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, positions * HiddenSize).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    /// <summary>The in-process reference for a request with embeddings on <see cref="EmbeddingSplit"/>.</summary>
    public IReadOnlyList<long> InProcessEmbeddings(Roles.GatewayRequest request, int maxNewTokens) =>
        EmbeddingReference.Generate(Runtime, EmbeddingSplit, ContextLimit, request, maxNewTokens);

    /// <summary>A deterministic prompt of token ids in [3, vocabulary).</summary>
    public long[] Prompt(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(3, Vocabulary))];
    }

    /// <summary>The in-process reference: the same split directory chained in one process with the same wire codec.</summary>
    public IReadOnlyList<long> InProcess(string splitDirectory, WireCodec codec, long[] prompt, int maxNewTokens)
    {
        using var pipeline = InferencePipeline.Open(Runtime, splitDirectory, new PipelineOptions { ContextLimit = ContextLimit, Wire = codec });
        return [.. pipeline.Generate(Guid.NewGuid(), prompt, new GenerationOptions { MaxNewTokens = maxNewTokens }).Tokens];
    }

    public void Dispose()
    {
        Runtime.Dispose();
        _temp.Dispose();
    }
}

[CollectionDefinition(nameof(MultiNodeCollection))]
public sealed class MultiNodeCollection : ICollectionFixture<MultiNodeFixture>
{
}
