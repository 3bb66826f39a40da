using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model.Adapt;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;
using Xunit.Abstractions;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// Issue 16 point 1: adapters added by graph surgery leave every output unchanged at their initial values (1e-5), and
/// they are live inputs: feeding other values changes the outputs without rebuilding the session.
/// </summary>
[Collection(nameof(OrtCollection))]
public class AdapterSurgeryTests(OrtFixture ort, ITestOutputHelper output)
{
    public static TheoryData<string, int> SharedModels() => new()
    {
        { "tiny-llama-fp16/model.onnx", 2 },
        { "bert-toy/bert_toy_optimized.onnx", 5 },
    };

    [Theory]
    [MemberData(nameof(SharedModels))]
    public void Apply_SharedModelAtInitialValues_OutputsUnchanged(string model, int blocks)
    {
        var source = Path.Combine(TestPaths.SharedModels, model);
        using var temp = new TempDirectory();
        var adapted = Adapt(source, temp.Combine("adapted", "model.onnx"), new AdaptOptions { Rank = 4, NormGains = true }, out var added);

        Assert.Equal(Enumerable.Range(0, blocks), added.Select(a => a.Block).Distinct());
        Assert.Contains(added, a => a.Kind == AdapterKind.LoraB);
        var cases = Path.Combine(Path.GetDirectoryName(source)!, "cases");
        var worst = AssertSameOutputs(source, adapted, cases);
        output.WriteLine($"{model}: {added.Count} adapter tensors ({added.Sum(a => a.ElementCount)} values), largest difference {worst:G3}");
    }

    [Fact]
    public void Apply_SyntheticTinyAtInitialValuesThenMovedB_UnchangedThenChanged()
    {
        using var temp = new TempDirectory();
        SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 3, SyntheticDataType.Float32, temp.Combine("tiny"));
        var source = temp.Combine("tiny", "model.onnx");
        var adapted = Adapt(source, temp.Combine("adapted", "model.onnx"), new AdaptOptions { Rank = 2, Blocks = [1] }, out var added);

        Assert.All(added, a => Assert.Equal(1, a.Block));
        Assert.Equal(0, AssertSameOutputs(source, adapted, temp.Combine("tiny", "cases")));

        var b = added.First(a => a.Kind == AdapterKind.LoraB);
        var moved = new float[b.ElementCount];
        Array.Fill(moved, 0.05f);
        var inputs = NpyDirectory.ReadAll(temp.Combine("tiny", "cases", "prefill", "inputs"));
        using var original = ort.Open(source);
        using var runner = ort.Open(adapted);
        var before = original.Run(inputs)["logits"].ToDoubleArray();
        var after = runner.Run(new Dictionary<string, NpyArray>(inputs) { [b.Name] = NpyArray.Create<float>(moved, b.Shape) })["logits"].ToDoubleArray();

        Assert.True(before.Zip(after, (x, y) => Math.Abs(x - y)).Max() > 1e-3, "feeding a LoRA B changes the logits");
    }

    [Fact]
    public void Apply_WeightsOnlyInsideLocalFunctions_ErrorSaysWhy()
    {
        var model = ModelFile.Load(Path.Combine(TestPaths.SharedModels, "qwen2-torch-functions", "model.onnx"));

        var e = Assert.Throws<ModelSurgeryException>(() => AdapterSurgery.Apply(model, new AdaptOptions()));

        Assert.Contains("no MatMul with a constant 2-D float weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("local functions", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, false, "--rank -1")]
    [InlineData(0, false, "Nothing to add")]
    public void Apply_BadOptions_ErrorNamesThem(int rank, bool norms, string expected)
    {
        var model = ModelFile.Load(Path.Combine(TestPaths.SharedModels, "bert-toy", "bert_toy_optimized.onnx"));

        var e = Assert.Throws<ModelSurgeryException>(() => AdapterSurgery.Apply(model, new AdaptOptions { Rank = rank, NormGains = norms }));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_BlockOutOfRange_ErrorNamesTheBlockCount()
    {
        var model = ModelFile.Load(Path.Combine(TestPaths.SharedModels, "bert-toy", "bert_toy_optimized.onnx"));

        var e = Assert.Throws<ModelSurgeryException>(() => AdapterSurgery.Apply(model, new AdaptOptions { Blocks = [5] }));

        Assert.Contains("5 blocks (0-4)", e.Message, StringComparison.Ordinal);
    }

    private static string Adapt(string source, string destination, AdaptOptions options, out IReadOnlyList<AdapterTensor> added)
    {
        var model = ModelFile.Load(source);
        added = AdapterSurgery.Apply(model, options);
        ModelWriter.Write(model.Proto, model.BaseDirectory, destination, new ModelWriteOptions());
        return destination;
    }

    /// <summary>Runs every case through both models; asserts every output within 1e-5 and returns the largest difference.</summary>
    private double AssertSameOutputs(string source, string adapted, string cases)
    {
        using var original = ort.Open(source);
        using var runner = ort.Open(adapted);
        var worst = 0.0;
        foreach (var c in Directory.GetDirectories(cases).Order(StringComparer.Ordinal))
        {
            var inputs = NpyDirectory.ReadAll(Path.Combine(c, "inputs"));
            var want = original.Run(inputs);
            var got = runner.Run(inputs);
            foreach (var (name, w) in want)
            {
                Assert.Equal(w.Shape.ToArray(), got[name].Shape.ToArray());
                var diff = w.ToDoubleArray().Zip(got[name].ToDoubleArray(), (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
                Assert.True(diff <= 1e-5, $"{Path.GetFileName(c)} output '{name}' differs by {diff}");
                worst = Math.Max(worst, diff);
            }
        }

        return worst;
    }
}
