using EdgeLam.Inference.Pipeline;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Site;

/// <summary>
/// A synthetic Llama of 6 blocks (hidden 512, FFN 1408, vocabulary 512: a decode step of a few milliseconds, so
/// compute, not the loopback hops, decides the split), built once, as the whole export (the reference) and split at
/// every block (what the orchestrated daemons serve).
/// </summary>
public sealed class ResplitSiteFixture : IDisposable
{
    public const int Blocks = 6;
    public const int ContextLimit = 128;
    private readonly TempDirectory _temp = new("edgelam-resplit-");
    private readonly Dictionary<int, IReadOnlyList<long>> _references = [];

    public ResplitSiteFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
        var config = SyntheticPresets.Resplit6;
        Export = _temp.Combine("export");
        SyntheticModelBuilder.Build(config, 13, SyntheticDataType.Float32, Export);
        PerBlock = _temp.Combine("per-block");
        ModelSplitter.Split(ModelFile.Load(Path.Combine(Export, "model.onnx")), SplitPlan.AtBoundaries([.. Enumerable.Range(0, Blocks + 1)]), PerBlock);
        Costs = CostTables.FromModel(ModelSplitter.ReadManifest(PerBlock).Costs!);
        Vocabulary = config.VocabSize;
    }

    public OnnxRuntime Runtime { get; }

    /// <summary>The unsplit export.</summary>
    public string Export { get; }

    /// <summary>The export split at every block boundary.</summary>
    public string PerBlock { get; }

    /// <summary>The planner's cost table of the model.</summary>
    public CostTable Costs { get; }

    public int Vocabulary { get; }

    /// <summary>Prompt <paramref name="seed"/>: 6 + seed % 5 token ids in [3, vocabulary).</summary>
    public long[] Prompt(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 6 + (seed % 5)).Select(_ => (long)random.Next(3, Vocabulary))];
    }

    /// <summary>The unsplit model's greedy tokens for prompt <paramref name="seed"/> (computed once).</summary>
    public IReadOnlyList<long> Unsplit(int seed, int maxNewTokens)
    {
        lock (_references)
        {
            if (!_references.TryGetValue((seed * 1000) + maxNewTokens, out var tokens))
            {
                using var pipeline = InferencePipeline.Open(Runtime, Export, new PipelineOptions { ContextLimit = ContextLimit });
                tokens = [.. pipeline.Generate(Guid.NewGuid(), Prompt(seed), new GenerationOptions { MaxNewTokens = maxNewTokens }).Tokens];
                _references[(seed * 1000) + maxNewTokens] = tokens;
            }

            return tokens;
        }
    }

    /// <summary>The same prompt on the per-block split chained in this process (to tell a numerical difference of the split from a lost step).</summary>
    public IReadOnlyList<long> PerBlockInProcess(int seed, int maxNewTokens)
    {
        using var pipeline = InferencePipeline.Open(Runtime, PerBlock, new PipelineOptions { ContextLimit = ContextLimit });
        return [.. pipeline.Generate(Guid.NewGuid(), Prompt(seed), new GenerationOptions { MaxNewTokens = maxNewTokens }).Tokens];
    }

    public void Dispose()
    {
        Runtime.Dispose();
        _temp.Dispose();
    }
}
