using System.CommandLine;
using System.Globalization;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Verify;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam model split MODEL --out DIR (--at 4,8 | --segments N | --cut T1+T2;T3) [--verify]</c>: cut a transformer export
/// into segments at block boundaries (0 = embedding boundary), balanced by estimated cost, or at named tensors, and
/// optionally check the segments against the unsplit model.
/// </summary>
internal static class ModelSplitCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Path of the .onnx file to split." };
        var output = new Option<string>("--out") { Description = "Folder for the segments and manifest.json.", Required = true };
        var at = new Option<string>("--at") { Description = "Block boundaries, e.g. 4,8 (0 = after the embedding, N = before the head)." };
        var segments = new Option<int?>("--segments") { Description = "Number of segments of about equal estimated cost." };
        var cut = new Option<string>("--cut") { Description = "Manual cuts as tensor names: '+' joins the tensors of one cut, ';' separates cuts." };
        var verify = new Option<bool>("--verify") { Description = "Run the chained segments against the unsplit model on generated inputs and report the largest difference per output (exit 3 when over tolerance)." };
        var fp32Tolerance = new Option<double?>("--fp32-tolerance") { Description = "Largest absolute difference --verify allows on float32 outputs (default 1e-4)." };
        var fp16Tolerance = new Option<double?>("--fp16-tolerance") { Description = "Largest absolute difference --verify allows on float16 outputs (default 2e-3)." };
        var command = new Command("split", "Split a transformer model into segments that run one after another.");
        command.Arguments.Add(model);
        command.Options.Add(output);
        command.Options.Add(at);
        command.Options.Add(segments);
        command.Options.Add(cut);
        command.Options.Add(verify);
        command.Options.Add(fp32Tolerance);
        command.Options.Add(fp16Tolerance);
        command.SetAction(parse =>
        {
            var given = new[] { parse.GetValue(at) is not null, parse.GetValue(segments) is not null, parse.GetValue(cut) is not null };
            if (given.Count(g => g) != 1)
            {
                Console.Error.WriteLine("edgelam model split: give exactly one of --at, --segments or --cut.");
                return 2;
            }

            if (parse.GetValue(fp32Tolerance) is not (null or >= 0) || parse.GetValue(fp16Tolerance) is not (null or >= 0))
            {
                Console.Error.WriteLine("edgelam model split: --fp32-tolerance and --fp16-tolerance must be numbers of at least 0.");
                return 2;
            }

            try
            {
                var plan = parse.GetValue(at) is { } a ? SplitPlan.ParseBoundaries(a)
                    : parse.GetValue(segments) is { } n ? Balanced(n)
                    : SplitPlan.ParseTensorCuts(parse.GetValue(cut)!);
                var source = ModelFile.Load(parse.GetValue(model)!);
                var outDir = parse.GetValue(output)!;
                // ONNX Runtime starts only if a cut carries outputs the schema tables cannot type.
                OnnxRuntime? runtime = null;
                SplitManifest manifest;
                try
                {
                    manifest = ModelSplitter.Split(source, plan, outDir, path =>
                    {
                        runtime ??= OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = 1 });
                        return new OrtModelRunner(runtime.OpenSession(path));
                    });
                }
                finally
                {
                    runtime?.Dispose();
                }

                Print(manifest, outDir);
                if (!parse.GetValue(verify))
                {
                    return 0;
                }

                var tolerances = new VerifyTolerances(
                    parse.GetValue(fp32Tolerance) ?? VerifyTolerances.Default.Float32,
                    parse.GetValue(fp16Tolerance) ?? VerifyTolerances.Default.Float16);
                return ModelSplitVerification.Run(source, outDir, tolerances);
            }
            catch (Exception e) when (e is OnnxModelException or OrtException)
            {
                Console.Error.WriteLine("edgelam model split: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static SplitPlan Balanced(int segments) =>
        segments >= 2 ? SplitPlan.Balanced(segments) : throw new ModelSurgeryException("--segments needs at least 2.");

    private static void Print(SplitManifest manifest, string outDir)
    {
        var c = CultureInfo.InvariantCulture;
        Console.Out.WriteLine(string.Create(c, $"{manifest.Source.FileName}: {manifest.BlockCount} blocks ({manifest.Detection}) -> {manifest.Segments.Count} segments in {outDir}"));
        foreach (var s in manifest.Segments)
        {
            var range = s.FirstBlock < 0 ? "manual" : s.FirstBlock == s.EndBlock ? "no blocks" : $"blocks {s.FirstBlock}..{s.EndBlock - 1}";
            var parts = new List<string> { range };
            if (s.Embedding)
            {
                parts.Add("embedding");
            }

            if (s.Head)
            {
                parts.Add("head");
            }

            Console.Out.WriteLine(string.Create(c, $"  segment {s.Index}: {string.Join(", ", parts)}; {s.Nodes} nodes, {s.WeightBytes} weight bytes, {s.FlopsPerToken} FLOPs/token"));
            if (s.BoundaryOutputs.Count > 0)
            {
                Console.Out.WriteLine("    hands on: " + string.Join(", ", s.BoundaryOutputs.Select(t => $"{t.Name} {t.Dtype}[{string.Join(",", t.Shape ?? ["?"])}]")));
            }
        }
    }
}
