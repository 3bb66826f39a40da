using System.Text.Json.Nodes;
using EdgeLam.Core.Npy;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Comparison;
using EdgeLam.Onnx.Model.Quantization;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Whole models through <see cref="ModelQuantizer"/>: they load, split, and compare with their source.</summary>
[Collection(nameof(OrtCollection))]
public sealed class QuantizedModelTests(OrtFixture ort)
{
    public static TheoryData<string, int, string> SyntheticSplits() => new()
    {
        { "tiny", 4, "0" }, { "tiny", 4, "1" }, { "tiny", 4, "2" }, { "tiny", 4, "1,2" },
        { "tiny", 8, "0" }, { "tiny", 8, "1" }, { "tiny", 8, "2" },
        { "tiny-gpt2", 4, "0" }, { "tiny-gpt2", 4, "1" }, { "tiny-gpt2", 4, "2" },
    };

    [Theory]
    [MemberData(nameof(SyntheticSplits))]
    public void Split_QuantizedSynthetic_ChainedSegmentsEqualTheUnsplitQuantizedModel(string preset, int bits, string boundaries)
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet(preset, out var config));
        var built = SyntheticModelBuilder.Build(config, 21, SyntheticDataType.Float32, temp.Combine("fp32"));
        var quantized = ModelQuantizer.Quantize(ModelFile.Load(built.ModelPath), new QuantizeOptions { Bits = bits }, temp.Combine("q"));
        var source = new SyntheticSplitSource(config, SyntheticDataType.Float32, quantized.ModelPath, ort);

        var manifest = ModelSplitter.Split(ModelFile.Load(quantized.ModelPath), SplitPlan.ParseBoundaries(boundaries), temp.Combine("split"), ort.Open);
        using var chain = SplitModelRunner.Open(temp.Combine("split"), ort.Open, verifyHashes: false);

        Assert.Equal(config.Layers, manifest.BlockCount);
        foreach (var (name, inputs, outputs) in source.Cases)
        {
            var split = chain.Run(inputs);
            Assert.Equal(outputs.Keys.Order(), split.Keys.Order());
            AssertClose(outputs, split, 1e-4, $"{preset} int{bits} split at {boundaries}, {name}");
        }
    }

    public static TheoryData<string, string> SharedSplits()
    {
        var data = new TheoryData<string, string>();
        foreach (var (model, blocks) in SharedModelCases.Models)
        {
            for (var boundary = 0; boundary <= blocks; boundary++)
            {
                data.Add(model, boundary.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SharedSplits))]
    public void Split_QuantizedSharedModel_ChainedSegmentsEqualTheUnsplitQuantizedModel(string model, string boundaries)
    {
        using var temp = new TempDirectory();
        var quantized = ModelQuantizer.Quantize(ModelFile.Load(Path.Combine(TestPaths.SharedModels, model)), new QuantizeOptions { Bits = 4 }, temp.Combine("q"));
        ModelSplitter.Split(ModelFile.Load(quantized.ModelPath), SplitPlan.ParseBoundaries(boundaries), temp.Combine("split"), ort.Open);
        using var whole = ort.Open(quantized.ModelPath);
        using var chain = SplitModelRunner.Open(temp.Combine("split"), ort.Open, verifyHashes: false);

        foreach (var c in Directory.GetDirectories(Path.Combine(TestPaths.SharedModels, Path.GetDirectoryName(model)!, "cases")))
        {
            var inputs = NpyDirectory.ReadAll(Path.Combine(c, "inputs"));
            AssertClose(whole.Run(inputs), chain.Run(inputs), 1e-4, $"{model} int4 split at {boundaries}, case {Path.GetFileName(c)}");
        }
    }

    [Theory]
    [InlineData("tiny-llama-fp16/model.onnx")]
    [InlineData("bert-toy/bert_toy_optimized.onnx")]
    [InlineData("phi3-torchscript/model.onnx")]
    [InlineData("qwen2-torch-functions/model.onnx")]
    public void Quantize_SharedModel_RunsEveryCaseAndRecordsWhatItDid(string model)
    {
        using var temp = new TempDirectory();
        var source = ModelFile.Load(Path.Combine(TestPaths.SharedModels, model));

        var result = ModelQuantizer.Quantize(source, new QuantizeOptions { Bits = 4, BlockSize = 32 }, temp.Path);

        Assert.NotEmpty(result.Report.Quantized);
        Assert.All(result.Report.Quantized, q => Assert.True(q.BytesAfter < q.BytesBefore, $"{q.Weight} grew"));
        using var original = ort.Open(source.FilePath!);
        using var quantized = ort.Open(result.ModelPath);
        foreach (var c in Directory.GetDirectories(Path.Combine(Path.GetDirectoryName(source.FilePath)!, "cases")))
        {
            var inputs = NpyDirectory.ReadAll(Path.Combine(c, "inputs"));
            var want = original.Run(inputs);
            var got = quantized.Run(inputs);
            Assert.Equal(want.Keys.Order(), got.Keys.Order());
            Assert.All(want, w => Assert.Equal(w.Value.Shape.ToArray(), got[w.Key].Shape.ToArray()));
        }

        var info = JsonNode.Parse(File.ReadAllText(result.InfoPath))!["quantization"]!;
        Assert.Equal(4, (int)info["bits"]!);
        Assert.Equal(32, (int)info["block_size"]!);
        Assert.Equal(result.Report.Quantized.Count, info["quantized"]!.AsArray().Count);
        Assert.Equal(new FileInfo(result.ModelPath).Length + (result.DataPath is null ? 0 : new FileInfo(result.DataPath).Length), (long)info["bytes_after"]!);
    }

    [Fact]
    public void Quantize_LocalFunctionLayers_SkipsTheirWeightsWithTheReason()
    {
        using var temp = new TempDirectory();

        var result = ModelQuantizer.Quantize(ModelFile.Load(Path.Combine(TestPaths.SharedModels, "qwen2-torch-functions/model.onnx")), new QuantizeOptions(), temp.Path);

        Assert.Contains(result.Report.Skipped, s => s.Reason.Contains("local function", StringComparison.Ordinal));
    }

    [Fact]
    public void Quantize_KFarBelowTheBlock_SkipsTheWeightsThatWouldGrow()
    {
        using var temp = new TempDirectory();

        // tiny-llama-fp16: hidden 16, MLP 64; with blocks of 128 only the down projections (K = 64) get smaller.
        var result = ModelQuantizer.Quantize(ModelFile.Load(SharedModelPaths.TinyLlama), new QuantizeOptions { BlockSize = 128 }, temp.Path);

        Assert.Equal(2, result.Report.Quantized.Count);
        Assert.All(result.Report.Quantized, q => Assert.Equal(64, q.K));
        Assert.Contains(result.Report.Skipped, s => s.Reason.Contains("K = 16 is padded to blocks of 128", StringComparison.Ordinal));
    }

    [Fact]
    public void Quantize_SyntheticWithExclude_KeepsTheHeadAndWritesModelInfo()
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet("tiny", out var config));
        var built = SyntheticModelBuilder.Build(config, 3, SyntheticDataType.Float32, temp.Combine("fp32"));

        var result = ModelQuantizer.Quantize(ModelFile.Load(built.ModelPath), new QuantizeOptions { Bits = 8, Symmetric = true, Exclude = ["lm_head"] }, temp.Combine("q"));

        var skipped = Assert.Single(result.Report.Skipped);
        Assert.Equal("/lm_head/MatMul", skipped.Node);
        Assert.Equal("excluded by --exclude", skipped.Reason);
        Assert.Equal((7 * config.Layers) + 1, result.Report.Quantized.Count);
        Assert.Equal("GatherBlockQuantized", result.Report.Quantized.Single(q => q.Weight == "model.embed_tokens.weight").NewOp);
        var info = JsonNode.Parse(File.ReadAllText(result.InfoPath))!;
        Assert.Equal("tiny", (string)info["preset"]!);
        Assert.True((bool)info["quantization"]!["symmetric"]!);
        Assert.True(File.Exists(Path.Combine(temp.Combine("q"), "cases", "prefill", "inputs", "input_ids.npy")));
    }

    [Fact]
    public void Quantize_NoConstantWeights_RefusesNamingWhy()
    {
        using var temp = new TempDirectory();
        var g = new GraphBuilder("no_weights");
        g.AddInput("A", Protos.TensorProto.Types.DataType.Float, 2, 4);
        g.AddInput("B", Protos.TensorProto.Types.DataType.Float, 4, 2);
        g.AddOutput("Y", Protos.TensorProto.Types.DataType.Float, 2, 2);
        g.OpNamed("/mm", "MatMul", ["A", "B"], "Y");
        var model = new Protos.ModelProto { IrVersion = 8, Graph = g.Graph };
        model.OpsetImport.Add(new Protos.OperatorSetIdProto { Domain = "", Version = 17 });
        ModelWriter.Write(model, temp.Path, temp.Combine("m.onnx"), new ModelWriteOptions());

        var error = Assert.Throws<ModelSurgeryException>(() => ModelQuantizer.Quantize(ModelFile.Load(temp.Combine("m.onnx")), new QuantizeOptions(), temp.Combine("q")));

        Assert.Contains("no MatMul or Gemm whose weight is a constant initializer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 32, 0, new[] { "bits must be 4 or 8 (got 3)." })]
    [InlineData(4, 48, 0, new[] { "block size must be one of 16, 32, 64, 128, 256 (got 48)." })]
    [InlineData(8, 32, 5, new[] { "accuracy level must be 0..4 (got 5)." })]
    public void Validate_BadOptions_NamesEachProblem(int bits, int block, int accuracy, string[] expected)
    {
        Assert.Equal(expected, new QuantizeOptions { Bits = bits, BlockSize = block, AccuracyLevel = accuracy }.Validate());
    }

    [Fact]
    public void Generate_Int8AndInt4AgainstFloat_Int8AgreesOnTopOneAndStaysCloser()
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet("tiny", out var config));
        var built = SyntheticModelBuilder.Build(config, 5, SyntheticDataType.Float32, temp.Combine("fp32"));
        using var a = ort.Open(built.ModelPath);
        var prompt = ModelComparer.Prompt(config.VocabSize, 8, 1);
        GenerationComparison Against(int bits)
        {
            var quantized = ModelQuantizer.Quantize(ModelFile.Load(built.ModelPath), new QuantizeOptions { Bits = bits }, temp.Combine("q" + bits));
            using var b = ort.Open(quantized.ModelPath);
            return ModelComparer.Generate(a, b, prompt, 64);
        }

        var int8 = Against(8);
        var int4 = Against(4);

        Assert.Equal(8, int8.Prefill.Positions);
        Assert.Equal(64, int8.Decode.Positions);
        Assert.Equal(8 + 64, int8.Tokens.Count);
        Assert.Equal(int8.Tokens, int4.Tokens);
        Assert.True(int8.All.Top1Agreement >= 0.99, $"int8 top-1 agreement {int8.All.Top1Agreement}");
        Assert.True(int8.All.MeanKlDivergence < int4.All.MeanKlDivergence / 10, $"KL int8 {int8.All.MeanKlDivergence}, int4 {int4.All.MeanKlDivergence}");
        Assert.True(int8.All.MaxAbsDifference < int4.All.MaxAbsDifference);
    }

    [Fact]
    public void Generate_ForcedTokens_FeedsThemInsteadOfTheArgmax()
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet("tiny", out var config));
        var built = SyntheticModelBuilder.Build(config, 5, SyntheticDataType.Float32, temp.Path);
        using var a = ort.Open(built.ModelPath);
        using var b = ort.Open(built.ModelPath);

        var result = ModelComparer.Generate(a, b, [1, 2, 3], 4, forced: [7, 9, 11, 13]);

        Assert.Equal([1L, 2, 3, 7, 9, 11, 13], result.Tokens);
        Assert.Equal(4, result.Decode.Positions);
    }

    [Fact]
    public void Generate_ModelAgainstItself_AgreesExactly()
    {
        using var temp = new TempDirectory();
        Assert.True(SyntheticPresets.TryGet("tiny", out var config));
        var built = SyntheticModelBuilder.Build(config, 5, SyntheticDataType.Float32, temp.Path);
        using var a = ort.Open(built.ModelPath);
        using var b = ort.Open(built.ModelPath);

        var result = ModelComparer.Generate(a, b, [1, 2, 3], 5).All;

        Assert.Equal(1, result.Top1Agreement);
        Assert.Equal(0, result.MaxAbsDifference);
    }

    private static void AssertClose(IReadOnlyDictionary<string, NpyArray> expected, IReadOnlyDictionary<string, NpyArray> actual, double tolerance, string what)
    {
        foreach (var (name, want) in expected)
        {
            Assert.True(actual.TryGetValue(name, out var got), $"{what}: '{name}' missing");
            Assert.Equal(want.Shape.ToArray(), got!.Shape.ToArray());
            var w = want.ToDoubleArray();
            var g = got.ToDoubleArray();
            var worst = w.Select((v, i) => Math.Abs(v - g[i])).DefaultIfEmpty(0).Max();
            Assert.True(worst <= tolerance, $"{what}: '{name}' differs by up to {worst} (tolerance {tolerance})");
        }
    }
}
