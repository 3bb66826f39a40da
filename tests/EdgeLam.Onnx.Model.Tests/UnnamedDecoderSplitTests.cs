using EdgeLam.Core.Npy;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Split of a PyTorch-style decoder with unnamed nodes, past_N inputs and a weight shared across layers.</summary>
[Collection(nameof(OrtCollection))]
public class UnnamedDecoderSplitTests(OrtFixture ort)
{
    [Fact]
    public void Detect_UnnamedDecoder_FindsOneBlockPerPastInput()
    {
        using var temp = new TempDirectory();
        var model = Write(temp);

        var layout = BlockDetector.Detect(model);

        Assert.Equal(UnnamedDecoderModel.Layers, layout.BlockCount);
        Assert.Equal("structure (3 repeated units of 4 weight ops; KV-cache names agree)", layout.Evidence);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("3")]
    [InlineData("1,2")]
    public void Split_UnnamedDecoder_ReproducesOutputsAndCopiesSharedWeights(string boundaries)
    {
        using var temp = new TempDirectory();
        var model = Write(temp);

        var manifest = ModelSplitter.Split(model, SplitPlan.ParseBoundaries(boundaries), temp.Combine("split"));

        using var whole = ort.Open(model.FilePath!);
        using var chain = SplitModelRunner.Open(temp.Combine("split"), ort.Open);
        var inputs = Inputs();
        TensorAssert.Close(whole.Run(inputs), chain.Run(inputs), "unnamed decoder at " + boundaries);

        // Every segment with blocks reads the FFN weight all layers share, and has its own copy.
        foreach (var segment in manifest.Segments.Where(s => s.EndBlock > s.FirstBlock))
        {
            var part = ModelFile.Load(temp.Combine("split", segment.Files[0].Name));
            Assert.Contains(part.Graph.Initializer, i => i.Name == "onnx::Weight_2");
        }

        // Cuts between blocks ship exactly one hidden-state tensor (plus past_0's shape for the positions, never past_0).
        foreach (var segment in manifest.Segments.Skip(1))
        {
            Assert.Single(segment.BoundaryInputs, b => b.Dtype == "float32");
        }

        foreach (var segment in manifest.Segments.Where(s => s.FirstBlock > 0))
        {
            Assert.DoesNotContain("past_0", segment.OriginalInputs);
        }
    }

    private static ModelFile Write(TempDirectory temp)
    {
        var path = temp.Combine("model", "decoder.onnx");
        ModelWriter.Write(UnnamedDecoderModel.Build(), temp.Path, path, new ModelWriteOptions());
        return ModelFile.Load(path);
    }

    private static Dictionary<string, NpyArray> Inputs()
    {
        var random = new Random(3);
        var inputs = new Dictionary<string, NpyArray>(StringComparer.Ordinal)
        {
            ["input_ids"] = NpyArray.Create<long>([3, 1, 14], [1, 3]),
        };
        for (var l = 0; l < UnnamedDecoderModel.Layers; l++)
        {
            var past = Enumerable.Range(0, 2 * UnnamedDecoderModel.Hidden).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            inputs[$"past_{l}"] = NpyArray.Create<float>(past, [1, 2, UnnamedDecoderModel.Hidden]);
        }

        return inputs;
    }
}
