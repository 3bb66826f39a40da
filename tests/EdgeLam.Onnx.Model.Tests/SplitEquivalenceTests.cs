using EdgeLam.Core.Npy;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// The acceptance check of the split: for both shared models, at every single block boundary and for one 3-way split,
/// the chained segments give the unsplit model's outputs (run through ONNX Runtime) for every shared case, and the
/// shared reference outputs as well.
/// </summary>
[Collection(nameof(OrtCollection))]
public class SplitEquivalenceTests(OrtFixture ort)
{
    // tiny-llama-fp16: genai_config.json says num_hidden_layers = 2, so boundaries 0 (embedding), 1, 2 (head).
    // bert-toy: weights bert.encoder.layer.0 .. layer.4, so boundaries 0 .. 5.
    public static TheoryData<string, string> Splits => new()
    {
        { "tiny-llama-fp16/model.onnx", "0" },
        { "tiny-llama-fp16/model.onnx", "1" },
        { "tiny-llama-fp16/model.onnx", "2" },
        { "tiny-llama-fp16/model.onnx", "1,2" },
        { "bert-toy/bert_toy_optimized.onnx", "0" },
        { "bert-toy/bert_toy_optimized.onnx", "1" },
        { "bert-toy/bert_toy_optimized.onnx", "2" },
        { "bert-toy/bert_toy_optimized.onnx", "3" },
        { "bert-toy/bert_toy_optimized.onnx", "4" },
        { "bert-toy/bert_toy_optimized.onnx", "5" },
        { "bert-toy/bert_toy_optimized.onnx", "2,4" },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_ChainedSegments_ReproduceUnsplitAndReferenceOutputs(string model, string boundaries)
    {
        var path = Path.Combine(TestPaths.SharedModels, model);
        var source = ModelFile.Load(path);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.ParseBoundaries(boundaries), temp.Path);
        using var whole = ort.Open(path);
        using var chain = SplitModelRunner.Open(temp.Path, ort.Open);

        Assert.Equal(boundaries.Split(',').Length + 1, manifest.Segments.Count);
        Assert.Equal(whole.Inputs.Select(i => i.Name).Order(), chain.Inputs.Select(i => i.Name).Order());
        Assert.Equal(whole.Outputs.Select(o => o.Name).Order(), chain.Outputs.Select(o => o.Name).Order());
        var cases = Directory.GetDirectories(Path.Combine(Path.GetDirectoryName(path)!, "cases"));
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var inputs = NpyDirectory.ReadAll(Path.Combine(c, "inputs"));
            var reference = NpyDirectory.ReadAll(Path.Combine(c, "outputs"));
            var unsplit = whole.Run(inputs);
            var split = chain.Run(inputs);

            Assert.Equal(unsplit.Keys.Order(), split.Keys.Order());
            TensorAssert.Close(unsplit, split, $"{model} at {boundaries}, case {Path.GetFileName(c)} vs unsplit");
            TensorAssert.Close(reference, split, $"{model} at {boundaries}, case {Path.GetFileName(c)} vs shared reference");
        }
    }
}
