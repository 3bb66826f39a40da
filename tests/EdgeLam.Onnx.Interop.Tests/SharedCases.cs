using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

/// <summary>The reference cases under ../shared/models/*/cases/* (inputs and expected outputs from onnxruntime-node 1.30.0).</summary>
internal static class SharedCases
{
    public static IEnumerable<string> All()
    {
        var root = TestPaths.SharedModels;
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException("Shared models not found at " + root);
        }

        foreach (var model in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var cases = Path.Combine(model, "cases");
            if (!Directory.Exists(cases))
            {
                continue;
            }

            foreach (var c in Directory.EnumerateDirectories(cases).Order(StringComparer.Ordinal))
            {
                yield return Path.GetFileName(model) + "/" + Path.GetFileName(c);
            }
        }
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All())
        {
            data.Add(c);
        }

        return data;
    }

    public static string CaseDirectory(string name) => Path.Combine(TestPaths.SharedModels, name.Split('/')[0], "cases", name.Split('/')[1]);

    public static string ModelPath(string name)
    {
        var dir = Path.Combine(TestPaths.SharedModels, name.Split('/')[0]);
        return Directory.EnumerateFiles(dir, "*.onnx").Single();
    }

    /// <summary>Asserts every expected output is present with the same type and shape and within tolerance
    /// (float32 1e-4 absolute, float16/bfloat16 2e-3 absolute, integers exact).</summary>
    public static void AssertMatches(IReadOnlyDictionary<string, NpyArray> expected, IReadOnlyDictionary<string, NpyArray> actual)
    {
        foreach (var (name, want) in expected)
        {
            Assert.True(actual.TryGetValue(name, out var got), "output " + name + " missing");
            Assert.Equal(want.ElementType, got!.ElementType);
            Assert.Equal(want.Shape.ToArray(), got.Shape.ToArray());
            var tolerance = want.ElementType switch
            {
                TensorElementType.Float32 => 1e-4,
                TensorElementType.Float16 or TensorElementType.BFloat16 => 2e-3,
                _ => 0.0,
            };
            var w = want.ToDoubleArray();
            var g = got.ToDoubleArray();
            var worst = 0.0;
            var worstAt = -1;
            for (var i = 0; i < w.Length; i++)
            {
                var d = Math.Abs(w[i] - g[i]);
                if (d > worst || double.IsNaN(d))
                {
                    worst = double.IsNaN(d) ? double.PositiveInfinity : d;
                    worstAt = i;
                }
            }

            Assert.True(worst <= tolerance, name + ": max abs difference " + worst + " at element " + worstAt + " exceeds " + tolerance);
        }
    }
}
