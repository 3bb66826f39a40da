using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Quantization;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam model quantize MODEL --out DIR --bits 4|8 [--block N] [--symmetric] [--exclude GLOB] [--accuracy-level N]</c>:
/// replaces constant MatMul/Gemm weights by ONNX Runtime's MatMulNBits, file to file (see docs/quantization.md).
/// </summary>
internal static class ModelQuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Path of the .onnx file to quantize." };
        var output = new Option<string>("--out") { Description = "Folder for the quantized model and model_info.json.", Required = true };
        var bits = new Option<int>("--bits") { Description = "Bits per weight: 4 or 8.", Required = true };
        var block = new Option<int>("--block") { Description = "Weights per block along K, each with its own scale: 16, 32, 64, 128 or 256.", DefaultValueFactory = _ => 32 };
        var symmetric = new Option<bool>("--symmetric") { Description = "No zero points (smaller; ONNX Runtime assumes the middle code)." };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob (* any run, ? one character) found in a node or weight name to leave unquantized (repeatable).", AllowMultipleArgumentsPerToken = true };
        var accuracy = new Option<int>("--accuracy-level") { Description = "MatMulNBits accuracy_level: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 activations." };
        var command = new Command("quantize", "Quantize MatMul/Gemm weights to 4 or 8 bits (com.microsoft MatMulNBits).");
        command.Arguments.Add(model);
        command.Options.Add(output);
        command.Options.Add(bits);
        command.Options.Add(block);
        command.Options.Add(symmetric);
        command.Options.Add(exclude);
        command.Options.Add(accuracy);
        command.SetAction(parse =>
        {
            var options = new QuantizeOptions
            {
                Bits = parse.GetValue(bits),
                BlockSize = parse.GetValue(block),
                Symmetric = parse.GetValue(symmetric),
                AccuracyLevel = parse.GetValue(accuracy),
                Exclude = parse.GetValue(exclude) ?? [],
            };
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine("edgelam model quantize: " + problem);
                }

                return 2;
            }

            try
            {
                var watch = Stopwatch.StartNew();
                var result = ModelQuantizer.Quantize(ModelFile.Load(parse.GetValue(model)!), options, parse.GetValue(output)!);
                Print(result, watch.Elapsed);
                return 0;
            }
            catch (Exception e) when (e is OnnxModelException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("edgelam model quantize: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static void Print(QuantizeResult result, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var r = result.Report;
        Console.Out.WriteLine(string.Create(c,
            $"{r.Source}: {r.Quantized.Count} weights to {r.Bits} bits ({string.Join(", ", r.Quantized.CountBy(q => q.NewOp).Select(g => $"{g.Value} {g.Key}"))}; block {r.BlockSize}, {(r.Symmetric ? "symmetric" : "with zero points")}), {r.Skipped.Count} skipped, {r.BytesBefore:N0} -> {r.BytesAfter:N0} bytes ({(double)r.BytesAfter / r.BytesBefore:F3}x) in {elapsed.TotalSeconds:F1} s"));
        foreach (var s in r.Skipped)
        {
            Console.Out.WriteLine($"  skipped {s.Node} ({s.Weight}): {s.Reason}");
        }

        Console.Out.WriteLine($"wrote {result.ModelPath}" + (result.DataPath is null ? "" : $", {result.DataPath}") + $", {result.InfoPath}");
    }
}
