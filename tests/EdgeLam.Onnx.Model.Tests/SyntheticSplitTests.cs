using System.Collections.Concurrent;
using EdgeLam.Core.Npy;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Synthetic models built once per preset and element type for the split tests, with their unsplit outputs.</summary>
public sealed class SyntheticSplitFixture : IDisposable
{
    private readonly TempDirectory _temp = new("edgelam-synthetic-split-");
    private readonly ConcurrentDictionary<(string, SyntheticDataType), Lazy<SyntheticSplitSource>> _models = new();

    internal SyntheticSplitSource Get(string preset, SyntheticDataType dataType, OrtFixture ort) =>
        _models.GetOrAdd((preset, dataType), key => new Lazy<SyntheticSplitSource>(() =>
        {
            Assert.True(SyntheticPresets.TryGet(preset, out var config));
            var built = SyntheticModelBuilder.Build(config, 21, dataType, _temp.Combine(preset + "-" + SyntheticModelBuilder.DataTypeName(dataType)));
            return new SyntheticSplitSource(config, dataType, built.ModelPath, ort);
        })).Value;

    public void Dispose() => _temp.Dispose();
}

/// <summary>A built model with a prefill case (batch 2, one row left-padded) and a decode case on its cache.</summary>
internal sealed class SyntheticSplitSource
{
    private const int Prefill = 4;

    public SyntheticSplitSource(SyntheticModelConfig config, SyntheticDataType dataType, string modelPath, OrtFixture ort)
    {
        Config = config;
        ModelPath = modelPath;
        var sequence = new SyntheticSequence(config, dataType, Prefill + 1);
        using var whole = ort.Open(modelPath);
        var prefillInputs = sequence.Inputs(0, Prefill, null);
        var prefillOutputs = whole.Run(prefillInputs);
        var decodeInputs = sequence.Inputs(Prefill, 1, prefillOutputs);
        Cases =
        [
            ("prefill", prefillInputs, prefillOutputs),
            ("decode", decodeInputs, whole.Run(decodeInputs)),
        ];
    }

    public SyntheticModelConfig Config { get; }

    public string ModelPath { get; }

    public IReadOnlyList<(string Name, Dictionary<string, NpyArray> Inputs, IReadOnlyDictionary<string, NpyArray> Outputs)> Cases { get; }
}

/// <summary>
/// The synthetic presets through the splitter: at every block boundary (0 = after the embedding, L = before the head)
/// and for one 3-way split, the chained segments give the unsplit outputs for prefill and decode (float32 within
/// 1e-5, float16 within 1e-3).
/// </summary>
[Collection(nameof(OrtCollection))]
public sealed class SyntheticSplitTests(OrtFixture ort, SyntheticSplitFixture models) : IClassFixture<SyntheticSplitFixture>
{
    public static TheoryData<string, SyntheticDataType, string> Splits()
    {
        var data = new TheoryData<string, SyntheticDataType, string>();
        foreach (var dataType in new[] { SyntheticDataType.Float32, SyntheticDataType.Float16 })
        {
            foreach (var boundaries in new[] { "0", "1", "2", "1,2" })
            {
                data.Add("tiny", dataType, boundaries);
            }

            foreach (var boundaries in new[] { "0", "1", "2", "0,1" })
            {
                data.Add("tiny-gpt2", dataType, boundaries);
            }
        }

        foreach (var boundaries in Enumerable.Range(0, 13).Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("4,8"))
        {
            data.Add("small", SyntheticDataType.Float32, boundaries);
        }

        data.Add("small", SyntheticDataType.Float16, "4,8");
        data.Add("small", SyntheticDataType.Float16, "6");
        return data;
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_ChainedSegments_ReproduceTheUnsplitModel(string preset, SyntheticDataType dataType, string boundaries)
    {
        var source = models.Get(preset, dataType, ort);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(ModelFile.Load(source.ModelPath), SplitPlan.ParseBoundaries(boundaries), temp.Path);
        using var chain = SplitModelRunner.Open(temp.Path, ort.Open, verifyHashes: false);

        Assert.Equal(source.Config.Layers, manifest.BlockCount);
        Assert.Equal(boundaries.Split(',').Length + 1, manifest.Segments.Count);
        foreach (var (name, inputs, outputs) in source.Cases)
        {
            var split = chain.Run(inputs);
            Assert.Equal(outputs.Keys.Order(), split.Keys.Order());
            TensorAssert.Close(outputs, split, $"{preset} {dataType} split at {boundaries}, {name}");
        }
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-gpt2")]
    [InlineData("small")]
    public void Detect_SyntheticPreset_FindsEveryBlockAndTheEmbedding(string preset)
    {
        Assert.True(SyntheticPresets.TryGet(preset, out var config));
        using var temp = new TempDirectory();
        var small = config with { VocabSize = 64, IntermediateSize = 32, HiddenSize = config.Heads * 8, MaxPositions = 16 };
        var built = SyntheticModelBuilder.Build(small, 0, SyntheticDataType.Float32, temp.Path);

        var layout = ModelSplitter.Detect(ModelFile.Load(built.ModelPath));

        Assert.Equal(config.Layers, layout.BlockCount);
        Assert.True(layout.HasEmbeddingStage);
    }
}
