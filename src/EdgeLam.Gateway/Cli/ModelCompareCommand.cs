using System.CommandLine;
using System.Globalization;
using EdgeLam.Core.Npy;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Comparison;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam model compare A B (--generate N | --cases DIR)</c>: runs two models on the same inputs and reports
/// max/mean absolute logit difference, top-1 agreement and mean KL divergence (see docs/quantization.md).
/// </summary>
internal static class ModelCompareCommand
{
    public static Command Create()
    {
        var first = new Argument<string>("A") { Description = "The reference model (.onnx or a split folder); its greedy choices drive --generate." };
        var second = new Argument<string>("B") { Description = "The model compared with A." };
        var generate = new Option<int?>("--generate") { Description = "Decode N tokens greedily (A's argmax) after a prompt, each model with its own KV cache." };
        var cases = new Option<string?>("--cases") { Description = "Folder of cases: DIR/inputs/*.npy or DIR/*/inputs/*.npy; every floating-point output is compared." };
        var promptLength = new Option<int>("--prompt-length") { Description = "Prompt tokens for --generate (seeded random ids).", DefaultValueFactory = _ => 8 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the prompt.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: ONNX Runtime's default)." };
        var command = new Command("compare", "Compare two models' logits on the same inputs (top-1 agreement, KL divergence, differences).");
        command.Arguments.Add(first);
        command.Arguments.Add(second);
        command.Options.Add(generate);
        command.Options.Add(cases);
        command.Options.Add(promptLength);
        command.Options.Add(seed);
        command.Options.Add(threads);
        command.SetAction(parse =>
        {
            var steps = parse.GetValue(generate);
            var folder = parse.GetValue(cases);
            if ((steps is null) == (folder is null) || steps < 0 || parse.GetValue(promptLength) < 1)
            {
                Console.Error.WriteLine("edgelam model compare: give exactly one of --generate N (N ≥ 0) or --cases DIR, and --prompt-length ≥ 1.");
                return 2;
            }

            try
            {
                using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = parse.GetValue(threads) });
                using var a = ModelCommands.OpenRunner(runtime, parse.GetValue(first)!);
                using var b = ModelCommands.OpenRunner(runtime, parse.GetValue(second)!);
                if (steps is { } n)
                {
                    var vocabulary = ModelComparer.Vocabulary(a)
                        ?? throw new ModelSurgeryException("A's logits have no fixed vocabulary size to draw a prompt from; use --cases.");
                    var result = ModelComparer.Generate(a, b, ModelComparer.Prompt(vocabulary, parse.GetValue(promptLength), parse.GetValue(seed)), n);
                    Print("prefill", result.Prefill);
                    Print("decode", result.Decode);
                    Print("all", result.All);
                }
                else
                {
                    foreach (var dir in CaseFolders(folder!))
                    {
                        foreach (var (output, comparison) in ModelComparer.Case(a, b, NpyDirectory.ReadAll(Path.Combine(dir, "inputs"))))
                        {
                            Print(Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)) + " " + output, comparison);
                        }
                    }
                }

                return 0;
            }
            catch (Exception e) when (e is OnnxModelException or OrtException or NpyFormatException or IOException or InvalidOperationException or ArgumentException)
            {
                Console.Error.WriteLine("edgelam model compare: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static IEnumerable<string> CaseFolders(string folder) =>
        Directory.Exists(Path.Combine(folder, "inputs"))
            ? [folder]
            : Directory.EnumerateDirectories(folder).Where(d => Directory.Exists(Path.Combine(d, "inputs"))).Order(StringComparer.Ordinal);

    private static void Print(string label, LogitComparison c) =>
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {c.Positions} positions, top-1 agreement {c.Top1Agreement:P2}, mean KL {c.MeanKlDivergence:G4}, max |diff| {c.MaxAbsDifference:G4}, mean |diff| {c.MeanAbsDifference:G4}"));
}
