using System.Collections.Concurrent;
using EdgeLam.Core.Npy;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Adapt;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Onnx.Model.Verify;
using EdgeLam.Testing;
using Xunit.Abstractions;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Adapted models (LoRA rank 2 and norm gains in every block) made once per test class.</summary>
public sealed class AdaptedModelsFixture : IDisposable
{
    private readonly TempDirectory _temp = new("edgelam-adapted-split-");
    private readonly ConcurrentDictionary<string, Lazy<AdaptedModel>> _models = new(StringComparer.Ordinal);

    internal AdaptedModel Get(string model) => _models.GetOrAdd(model, key => new Lazy<AdaptedModel>(() =>
    {
        string source, cases;
        if (key == "tiny")
        {
            SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 3, SyntheticDataType.Float32, _temp.Combine("tiny"));
            source = _temp.Combine("tiny", SyntheticModelBuilder.ModelFileName);
            cases = _temp.Combine("tiny", "cases");
        }
        else
        {
            source = Path.Combine(TestPaths.SharedModels, key);
            cases = Path.Combine(Path.GetDirectoryName(source)!, "cases");
        }

        var file = ModelFile.Load(source);
        var added = AdapterSurgery.Apply(file, new AdaptOptions { Rank = 2, NormGains = true });
        var adapted = _temp.Combine("adapted-" + _models.Count, "model.onnx");
        ModelWriter.Write(file.Proto, file.BaseDirectory, adapted, new ModelWriteOptions());
        return new AdaptedModel(adapted, cases, added);
    })).Value;

    public void Dispose() => _temp.Dispose();
}

/// <param name="ModelPath">The adapted model.</param>
/// <param name="CasesDirectory">Reference cases of the source (their inputs only are used).</param>
/// <param name="Adapters">What the surgery added.</param>
internal sealed record AdaptedModel(string ModelPath, string CasesDirectory, IReadOnlyList<AdapterTensor> Adapters);

/// <summary>
/// Issue 16 point 1: a split of an adapted model keeps every adapter an overridable input (graph input + default) of
/// the segment holding its block, so a node feeds adapter values per run without rebuilding its sessions. At every
/// boundary and a 3-way cut the chained segments equal the unsplit adapted model, at the defaults and with fed LoRA B
/// values (1e-5).
/// </summary>
[Collection(nameof(OrtCollection))]
public sealed class AdaptedSplitTests(OrtFixture ort, AdaptedModelsFixture models, ITestOutputHelper output) : IClassFixture<AdaptedModelsFixture>
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string> Splits()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "tiny", "tiny-llama-fp16/model.onnx" })
        {
            foreach (var boundaries in new[] { "0", "1", "2", "1,2" })
            {
                data.Add(model, boundaries);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_AdaptedModelAtDefaults_ChainEqualsUnsplit(string model, string boundaries) =>
        AssertChainEqualsUnsplit(model, boundaries, feedLoraB: false);

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_AdaptedModelFedLoraB_ChainEqualsUnsplitFedTheSame(string model, string boundaries) =>
        AssertChainEqualsUnsplit(model, boundaries, feedLoraB: true);

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_AdaptedModel_EachSegmentOverridesExactlyItsBlocksAdapters(string model, string boundaries)
    {
        var adapted = models.Get(model);
        using var temp = new TempDirectory();
        var manifest = ModelSplitter.Split(ModelFile.Load(adapted.ModelPath), SplitPlan.ParseBoundaries(boundaries), temp.Path, ort.Open);

        Assert.Equal(boundaries.Split(',').Length + 1, manifest.Segments.Count);
        foreach (var segment in manifest.Segments)
        {
            var expected = adapted.Adapters
                .Where(a => a.Block >= segment.FirstBlock && a.Block < segment.EndBlock)
                .Select(a => a.Name).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, segment.OverridableInputs.Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.All(segment.OverridableInputs, t => Assert.Equal("float32", t.Dtype));
            using var session = ort.Runtime.OpenSession(Path.Combine(temp.Path, segment.Files[0].Name));
            Assert.Equal(expected, session.Overridable.Select(s => s.Name).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(session.Inputs, s => expected.Contains(s.Name));
            Assert.DoesNotContain(segment.BoundaryOutputs, t => adapted.Adapters.Any(a => a.Name == t.Name));
        }
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-llama-fp16/model.onnx")]
    public void Verify_AdaptedModelSplitThreeWays_GeneratesNoAdapterValuesAndPasses(string model)
    {
        var adapted = models.Get(model);
        using var temp = new TempDirectory();
        using var chain = SplitAndOpen(adapted, "1,2", temp.Path);
        using var whole = ort.Open(adapted.ModelPath);

        var report = SplitVerifier.Verify(whole, chain, InputRoles.Find(ModelFile.Load(adapted.ModelPath)), VerifyTolerances.Default);

        Assert.All(report.Cases, c => Assert.DoesNotContain(c.Inputs.Keys, name => adapted.Adapters.Any(a => a.Name == name)));
        Assert.True(report.Passed, string.Join("; ", report.Differences.Where(d => !d.Within)));
    }

    /// <summary>
    /// Runs every case through the chained segments and the unsplit adapted model, at the adapters' defaults or with
    /// the same non-zero values fed to every LoRA B (which must move the logits), and asserts equal outputs.
    /// </summary>
    private void AssertChainEqualsUnsplit(string model, string boundaries, bool feedLoraB)
    {
        var adapted = models.Get(model);
        using var temp = new TempDirectory();
        using var chain = SplitAndOpen(adapted, boundaries, temp.Path);
        using var whole = ort.Open(adapted.ModelPath);

        var worst = 0.0;
        foreach (var inputs in CaseInputs(adapted))
        {
            var fed = new Dictionary<string, NpyArray>(inputs);
            foreach (var b in adapted.Adapters.Where(a => feedLoraB && a.Kind == AdapterKind.LoraB))
            {
                var values = new float[b.ElementCount];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = ((i % 7) - 3) * 0.02f;
                }

                fed[b.Name] = NpyArray.Create<float>(values, b.Shape);
            }

            var want = whole.Run(fed);
            if (feedLoraB)
            {
                var moved = want["logits"].ToDoubleArray().Zip(whole.Run(inputs)["logits"].ToDoubleArray(), (x, y) => Math.Abs(x - y)).Max();
                Assert.True(moved > 1e-3, $"the fed LoRA B values move the logits of {model} (by {moved})");
            }

            worst = Math.Max(worst, AssertSame(want, chain.Run(fed), $"{model} at {boundaries}" + (feedLoraB ? " with fed LoRA B" : string.Empty)));
        }

        output.WriteLine($"{model} at {boundaries}{(feedLoraB ? ", LoRA B fed" : string.Empty)}: largest difference {worst:G3}");
    }

    private SplitModelRunner SplitAndOpen(AdaptedModel adapted, string boundaries, string directory)
    {
        ModelSplitter.Split(ModelFile.Load(adapted.ModelPath), SplitPlan.ParseBoundaries(boundaries), directory, ort.Open);
        return SplitModelRunner.Open(directory, ort.Open, verifyHashes: false);
    }

    private static IEnumerable<IReadOnlyDictionary<string, NpyArray>> CaseInputs(AdaptedModel adapted)
    {
        var cases = Directory.GetDirectories(adapted.CasesDirectory).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(cases);
        return cases.Select(c => NpyDirectory.ReadAll(Path.Combine(c, "inputs")));
    }

    /// <summary>Asserts every output within <see cref="Tolerance"/> and returns the largest difference.</summary>
    private static double AssertSame(IReadOnlyDictionary<string, NpyArray> want, IReadOnlyDictionary<string, NpyArray> got, string what)
    {
        Assert.NotEmpty(want);
        var worst = 0.0;
        foreach (var (name, w) in want)
        {
            Assert.True(got.TryGetValue(name, out var g), $"{what}: output '{name}' missing");
            Assert.Equal(w.Shape.ToArray(), g!.Shape.ToArray());
            var diff = w.ToDoubleArray().Zip(g.ToDoubleArray(), (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
            Assert.True(diff <= Tolerance, $"{what}: output '{name}' differs by {diff}");
            worst = Math.Max(worst, diff);
        }

        return worst;
    }
}
