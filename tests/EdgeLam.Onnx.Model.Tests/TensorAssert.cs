using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Output comparison with the tolerances: float32 1e-5 absolute, float16 1e-3, integers exact.</summary>
internal static class TensorAssert
{
    public static double ToleranceFor(TensorElementType type) => type switch
    {
        TensorElementType.Float32 or TensorElementType.Float64 => 1e-5,
        TensorElementType.Float16 or TensorElementType.BFloat16 => 1e-3,
        _ => 0.0,
    };

    public static void Close(IReadOnlyDictionary<string, NpyArray> expected, IReadOnlyDictionary<string, NpyArray> actual, string what)
    {
        foreach (var (name, want) in expected)
        {
            Assert.True(actual.TryGetValue(name, out var got), $"{what}: output '{name}' missing");
            Assert.Equal(want.ElementType, got!.ElementType);
            Assert.Equal(want.Shape.ToArray(), got.Shape.ToArray());
            var tolerance = ToleranceFor(want.ElementType);
            var w = want.ToDoubleArray();
            var g = got.ToDoubleArray();
            var worst = 0.0;
            for (var i = 0; i < w.Length; i++)
            {
                var d = Math.Abs(w[i] - g[i]);
                worst = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(worst, d);
            }

            Assert.True(worst <= tolerance, $"{what}: '{name}' differs by up to {worst} (tolerance {tolerance})");
        }
    }
}
