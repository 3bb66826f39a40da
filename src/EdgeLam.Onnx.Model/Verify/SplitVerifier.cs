using EdgeLam.Core.Models;
using EdgeLam.Core.Npy;

namespace EdgeLam.Onnx.Model.Verify;

/// <summary>
/// Runs the chained segments of a split and the unsplit source on the same generated inputs
/// (<see cref="VerificationCases"/>) and measures, per output, the largest absolute difference.
/// </summary>
public static class SplitVerifier
{
    /// <summary>Compares <paramref name="split"/> with <paramref name="source"/> on inputs generated from the source's declared inputs.</summary>
    public static VerificationReport Verify(IModelRunner source, IModelRunner split, InputRoles roles, VerifyTolerances tolerances)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(tolerances);
        var cases = VerificationCases.Generate(source.Inputs, roles);
        var differences = new List<OutputDifference>();
        foreach (var c in cases)
        {
            var want = source.Run(c.Inputs);
            var got = split.Run(c.Inputs);
            foreach (var spec in source.Outputs)
            {
                var largest = want.TryGetValue(spec.Name, out var w) && got.TryGetValue(spec.Name, out var g) ? Largest(w, g) : double.PositiveInfinity;
                differences.Add(new OutputDifference(c.Name, spec.Name, spec.ElementType, largest, tolerances.For(spec.ElementType)));
            }
        }

        return new VerificationReport(cases, differences);
    }

    /// <summary>Largest absolute difference; infinity when types or shapes differ or only one side is NaN.</summary>
    public static double Largest(NpyArray want, NpyArray got)
    {
        ArgumentNullException.ThrowIfNull(want);
        ArgumentNullException.ThrowIfNull(got);
        if (want.ElementType != got.ElementType || !want.Shape.SequenceEqual(got.Shape))
        {
            return double.PositiveInfinity;
        }

        var a = want.ToDoubleArray();
        var b = got.ToDoubleArray();
        var largest = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(a[i]) && double.IsNaN(b[i]))
            {
                continue;
            }

            var d = Math.Abs(a[i] - b[i]);
            largest = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(largest, d);
        }

        return largest;
    }
}
