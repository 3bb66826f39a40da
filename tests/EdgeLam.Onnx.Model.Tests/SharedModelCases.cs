using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// The shared models with their reference cases (../shared/README.md): every case's outputs must be reproduced within
/// float32 1e-4 / float16 2e-3 absolute, the tolerances that hold between two correct runtimes.
/// </summary>
internal static class SharedModelCases
{
    /// <summary>Model file (relative to the shared models folder) and its block count.</summary>
    public static readonly IReadOnlyList<(string Model, int Blocks)> Models =
    [
        ("tiny-llama-fp16/model.onnx", 2),
        ("bert-toy/bert_toy_optimized.onnx", 5),
        ("phi3-torchscript/model.onnx", 3),
        ("qwen2-torch-functions/model.onnx", 4),
    ];

    /// <summary><see cref="Models"/> as theory data (model, blocks).</summary>
    public static TheoryData<string, int> ModelData()
    {
        var data = new TheoryData<string, int>();
        foreach (var (model, blocks) in Models)
        {
            data.Add(model, blocks);
        }

        return data;
    }

    public static double ReferenceTolerance(TensorElementType type) => type switch
    {
        TensorElementType.Float32 or TensorElementType.Float64 => 1e-4,
        TensorElementType.Float16 or TensorElementType.BFloat16 => 2e-3,
        _ => 0.0,
    };

    /// <summary>Every single boundary and every 3-way cut of a model with <paramref name="blocks"/> blocks.</summary>
    public static IEnumerable<string> AllCuts(int blocks)
    {
        for (var a = 0; a <= blocks; a++)
        {
            yield return a.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        for (var a = 0; a <= blocks; a++)
        {
            for (var b = a + 1; b <= blocks; b++)
            {
                yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{a},{b}");
            }
        }
    }

    /// <summary>
    /// Splits <paramref name="sourcePath"/> at <paramref name="boundaries"/>, runs every reference case of
    /// <paramref name="model"/> through the chained segments and asserts the reference outputs; returns the largest
    /// absolute float difference seen.
    /// </summary>
    public static double AssertSplitReproducesReferences(OrtFixture ort, string model, string sourcePath, string boundaries)
    {
        using var temp = new TempDirectory();
        var manifest = ModelSplitter.Split(ModelFile.Load(sourcePath), SplitPlan.ParseBoundaries(boundaries), temp.Path, ort.Open);
        Assert.Equal(boundaries.Split(',').Length + 1, manifest.Segments.Count);
        using var chain = SplitModelRunner.Open(temp.Path, ort.Open, verifyHashes: false);
        var cases = Directory.GetDirectories(Path.Combine(TestPaths.SharedModels, Path.GetDirectoryName(model)!, "cases"));
        Assert.NotEmpty(cases);
        var worst = 0.0;
        foreach (var c in cases)
        {
            var inputs = NpyDirectory.ReadAll(Path.Combine(c, "inputs"));
            var reference = NpyDirectory.ReadAll(Path.Combine(c, "outputs"));
            var split = chain.Run(inputs);
            Assert.NotEmpty(reference);
            foreach (var (name, want) in reference)
            {
                var what = $"{model} at {boundaries}, case {Path.GetFileName(c)}, output '{name}'";
                Assert.True(split.TryGetValue(name, out var got), what + " missing");
                Assert.Equal(want.ElementType, got!.ElementType);
                Assert.Equal(want.Shape.ToArray(), got.Shape.ToArray());
                var w = want.ToDoubleArray();
                var g = got.ToDoubleArray();
                var diff = 0.0;
                for (var i = 0; i < w.Length; i++)
                {
                    var d = Math.Abs(w[i] - g[i]);
                    diff = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(diff, d);
                }

                var tolerance = ReferenceTolerance(want.ElementType);
                Assert.True(diff <= tolerance, $"{what} differs by up to {diff} (tolerance {tolerance})");
                worst = Math.Max(worst, diff);
            }
        }

        return worst;
    }
}
