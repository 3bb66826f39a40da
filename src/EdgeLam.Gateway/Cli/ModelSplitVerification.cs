using System.Globalization;
using EdgeLam.Core.Models;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Verify;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>model split --verify</c>: runs the chained segments of a fresh split against the unsplit model on generated
/// inputs in ONNX Runtime (graph optimizations off, one thread, so both sides run the same kernels) and prints the
/// largest absolute difference per output.
/// </summary>
internal static class ModelSplitVerification
{
    /// <summary>Exit code when a difference is over its tolerance.</summary>
    public const int OverTolerance = 3;

    public static int Run(ModelFile source, string outDir, VerifyTolerances tolerances)
    {
        var roles = InputRoles.Find(source);
        using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions
        {
            IntraOpThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.Disabled,
        });
        using var unsplit = new OrtModelRunner(runtime.OpenSession(source.FilePath!));
        using var chain = SplitModelRunner.Open(outDir, path => new OrtModelRunner(runtime.OpenSession(path)));
        var report = SplitVerifier.Verify(unsplit, chain, roles, tolerances);
        Print(report);
        return report.Passed ? 0 : OverTolerance;
    }

    private static string Count(int n, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {what}{(n == 1 ? string.Empty : "s")}");

    private static void Print(VerificationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var vc in report.Cases)
        {
            Console.Out.WriteLine(string.Create(c, $"verify {vc.Name}: batch {vc.Batch}, {Count(vc.Sequence, "new token")}, {Count(vc.Past, "past position")}"));
            foreach (var d in report.Differences.Where(d => d.Case == vc.Name))
            {
                var verdict = d.Within ? "ok" : "OVER";
                Console.Out.WriteLine(string.Create(c, $"  {d.Output} {d.ElementType.OnnxName()}: largest |difference| {d.Largest:G3} (tolerance {d.Tolerance:G3}) {verdict}"));
            }
        }

        var over = report.Differences.Count(d => !d.Within);
        Console.Out.WriteLine(over == 0
            ? string.Create(c, $"verify: split equals the unsplit model, largest difference {report.Largest:G3}")
            : string.Create(c, $"verify: {over} outputs over tolerance, largest difference {report.Largest:G3}"));
    }
}
