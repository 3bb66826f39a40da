using System.Globalization;
using EdgeLam.Core.Models;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Verify;
using EdgeLam.Testing;
using Xunit.Abstractions;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// <c>model split --verify</c>: every shared model split three ways runs on generated inputs (prefill and decode on a
/// KV cache of 4 positions where the model has one) within 1e-4 (float32) / 2e-3 (float16) of the unsplit model, and a
/// split that differs is caught.
/// </summary>
[Collection(nameof(OrtCollection))]
public class SplitVerifierTests(OrtFixture ort, ITestOutputHelper output)
{
    public static TheoryData<string, int> Models() => SharedModelCases.ModelData();

    [Theory]
    [MemberData(nameof(Models))]
    public void Verify_SharedModelSplitThreeWays_EveryOutputWithinTolerance(string model, int blocks)
    {
        var path = Path.Combine(TestPaths.SharedModels, model);
        var source = ModelFile.Load(path);
        using var temp = new TempDirectory();
        var cut = string.Create(CultureInfo.InvariantCulture, $"1,{Math.Max(2, blocks - 1)}");
        ModelSplitter.Split(source, SplitPlan.ParseBoundaries(cut), temp.Path, ort.Open);
        using var unsplit = ort.Open(path);
        using var chain = SplitModelRunner.Open(temp.Path, ort.Open, verifyHashes: false);

        var report = SplitVerifier.Verify(unsplit, chain, InputRoles.Find(source), VerifyTolerances.Default);

        var hasCache = unsplit.Inputs.Any(i => i.Name.StartsWith("past_key_values.", StringComparison.Ordinal));
        Assert.Equal(hasCache ? ["prefill", "decode"] : ["tokens"], report.Cases.Select(c => c.Name));
        Assert.All(report.Cases, c => Assert.Equal(unsplit.Inputs.Select(i => i.Name).Order(), c.Inputs.Keys.Order()));
        Assert.Equal(report.Cases.Count * unsplit.Outputs.Count, report.Differences.Count);
        Assert.True(report.Passed, string.Join("; ", report.Differences.Where(d => !d.Within)));
        foreach (var group in report.Differences.GroupBy(d => d.ElementType))
        {
            output.WriteLine($"{model} at {cut}: {group.Key.OnnxName()} outputs, largest difference {group.Max(d => d.Largest):G3}");
        }
    }

    [Fact]
    public void Verify_SplitWhoseLogitsDiffer_ReportsThatOutputOverTolerance()
    {
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();
        ModelSplitter.Split(source, SplitPlan.ParseBoundaries("1"), temp.Path, ort.Open);
        using var unsplit = ort.Open(SharedModelPaths.TinyLlama);
        using var chain = new OffsetOutputRunner(SplitModelRunner.Open(temp.Path, ort.Open, verifyHashes: false), "logits", 0.25f);

        var report = SplitVerifier.Verify(unsplit, chain, InputRoles.Find(source), VerifyTolerances.Default);

        Assert.False(report.Passed);
        var over = Assert.Single(report.Differences.Where(d => !d.Within).Select(d => d.Output).Distinct());
        Assert.Equal("logits", over);
        Assert.InRange(report.Largest, 0.24, 0.26);
    }

    [Fact]
    public void Find_TinyLlama_TokenIdsIndexTheVocabularyAndPastIsCache()
    {
        var roles = InputRoles.Find(ModelFile.Load(SharedModelPaths.TinyLlama));

        Assert.Equal(new Dictionary<string, long> { ["input_ids"] = 32000 }, roles.IndexRanges);
        Assert.Equal(
            ["past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"],
            roles.CacheInputs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Find_BertToy_TokenIdsAndTokenTypesIndexTheirTables()
    {
        var roles = InputRoles.Find(ModelFile.Load(SharedModelPaths.BertToy));

        Assert.Equal(99, roles.IndexRanges["input_ids"]);
        Assert.Equal(16, roles.IndexRanges["token_type_ids"]);
        Assert.False(roles.IndexRanges.ContainsKey("input_mask"));
        Assert.Empty(roles.CacheInputs);
    }

    [Fact]
    public void Generate_DecoderWithCache_FillsDynamicDimensionsAndValuesForPrefillAndDecode()
    {
        TensorSpec[] inputs =
        [
            new("input_ids", TensorElementType.Int64, [-1, -1], ["batch_size", "sequence_length"]),
            new("attention_mask", TensorElementType.Int64, [-1, -1], ["batch_size", "total_sequence_length"]),
            new("position_ids", TensorElementType.Int64, [-1, -1], ["batch_size", "sequence_length"]),
            new("past.0", TensorElementType.Float16, [-1, 2, -1, 8], ["batch_size", string.Empty, "past_sequence_length", string.Empty]),
        ];
        var roles = new InputRoles(new Dictionary<string, long> { ["input_ids"] = 10 }, new HashSet<string> { "past.0" });

        var cases = VerificationCases.Generate(inputs, roles);

        Assert.Equal(2, cases.Count);
        var (prefill, decode) = (cases[0], cases[1]);
        Assert.Equal([1L, 4], prefill.Inputs["input_ids"].Shape.ToArray());
        Assert.All(prefill.Inputs["input_ids"].AsSpan<long>().ToArray(), id => Assert.InRange(id, 0, 9));
        Assert.Equal([1L, 1, 1, 1], prefill.Inputs["attention_mask"].AsSpan<long>().ToArray());
        Assert.Equal([0L, 1, 2, 3], prefill.Inputs["position_ids"].AsSpan<long>().ToArray());
        Assert.Equal([1L, 2, 0, 8], prefill.Inputs["past.0"].Shape.ToArray());
        Assert.Equal([1L, 1], decode.Inputs["input_ids"].Shape.ToArray());
        Assert.Equal([1L, 5], decode.Inputs["attention_mask"].Shape.ToArray());
        Assert.Equal([4L], decode.Inputs["position_ids"].AsSpan<long>().ToArray());
        Assert.Equal([1L, 2, 4, 8], decode.Inputs["past.0"].Shape.ToArray());
        Assert.All(decode.Inputs["past.0"].ToDoubleArray(), v => Assert.InRange(v, -1.0, 1.0));
        Assert.Contains(decode.Inputs["past.0"].ToDoubleArray(), v => v != 0);
    }

    [Fact]
    public void Generate_InputOfStringType_SaysWhichInputCannotBeFilled()
    {
        TensorSpec[] inputs = [new("text", TensorElementType.String, [1])];

        var error = Assert.Throws<ModelSurgeryException>(() =>
            VerificationCases.Generate(inputs, new InputRoles(new Dictionary<string, long>(), new HashSet<string>())));

        Assert.Contains("'text'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 1.0, 2.0 }, new[] { 1.0, 2.5 }, 0.5)]
    [InlineData(new[] { 1.0, double.NaN }, new[] { 1.0, double.NaN }, 0.0)]
    [InlineData(new[] { 1.0, 2.0 }, new[] { 1.0, double.NaN }, double.PositiveInfinity)]
    public void Largest_TwoArrays_IsTheLargestAbsoluteDifference(double[] want, double[] got, double expected) =>
        Assert.Equal(expected, SplitVerifier.Largest(NpyArray.Create<double>(want, [2]), NpyArray.Create<double>(got, [2])));

    [Fact]
    public void Largest_ShapesDiffer_IsInfinite() =>
        Assert.Equal(double.PositiveInfinity, SplitVerifier.Largest(NpyArray.Create<float>([1f, 2f], [2]), NpyArray.Create<float>([1f, 2f], [1, 2])));

    /// <summary>A runner whose named float32 output is shifted by a constant: a split that went wrong.</summary>
    private sealed class OffsetOutputRunner(IModelRunner inner, string output, float offset) : IModelRunner
    {
        public IReadOnlyList<TensorSpec> Inputs => inner.Inputs;

        public IReadOnlyList<TensorSpec> Outputs => inner.Outputs;

        public IReadOnlyDictionary<string, NpyArray> Run(IReadOnlyDictionary<string, NpyArray> inputs)
        {
            var result = new Dictionary<string, NpyArray>(inner.Run(inputs), StringComparer.Ordinal);
            var shifted = result[output].ToDoubleArray().Select(v => (float)v + offset).ToArray();
            result[output] = ToType(shifted, result[output]);
            return result;
        }

        public void Dispose() => inner.Dispose();

        private static NpyArray ToType(float[] values, NpyArray like) => like.ElementType == TensorElementType.Float16
            ? NpyArray.Create<Half>(values.Select(v => (Half)v).ToArray(), like.Shape)
            : NpyArray.Create<float>(values, like.Shape);
    }
}
