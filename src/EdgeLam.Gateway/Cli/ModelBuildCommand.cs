using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeLam.Onnx.Model.Synthetic;

namespace EdgeLam.Gateway.Cli;

/// <summary><c>edgelam model build --preset NAME --out DIR [--seed S] [--dtype fp32|fp16]</c>: writes a seeded synthetic decoder.</summary>
internal static class ModelBuildCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset")
        {
            Description = "Model shape: " + string.Join(", ", SyntheticPresets.Names) + ".",
            Required = true,
        };
        preset.AcceptOnlyFromAmong([.. SyntheticPresets.Names]);
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder to write model.onnx, model.onnx.data and model_info.json into (created if missing).",
            Required = true,
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Weight seed; the same seed gives byte-identical files.",
            DefaultValueFactory = _ => 0,
        };
        var dtype = new Option<string>("--dtype")
        {
            Description = "Element type of weights and activations.",
            DefaultValueFactory = _ => "fp32",
        };
        dtype.AcceptOnlyFromAmong("fp32", "fp16");

        var command = new Command("build", "Build a synthetic decoder-only transformer (onnxruntime-genai layout, seeded weights).")
        {
            preset,
            output,
            seed,
            dtype,
        };
        command.SetAction(parse => Run(
            parse.GetValue(preset)!,
            parse.GetValue(output)!,
            parse.GetValue(seed),
            parse.GetValue(dtype)!));
        return command;
    }

    private static int Run(string presetName, DirectoryInfo output, ulong seed, string dtypeName)
    {
        if (!SyntheticPresets.TryGet(presetName, out var config) || !SyntheticModelBuilder.TryParseDataType(dtypeName, out var dataType))
        {
            Console.Error.WriteLine($"error: unknown preset '{presetName}' or dtype '{dtypeName}'.");
            return 2;
        }

        var plan = SyntheticModelBuilder.Plan(config, dataType);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Building {config.Name} ({dtypeName}, seed {seed}): {plan.ParameterCount:N0} parameters, {plan.DataFileBytes / 1048576.0:F1} MiB of weights, {plan.NodeCount} nodes"));
        var watch = Stopwatch.StartNew();
        try
        {
            var result = SyntheticModelBuilder.Build(config, seed, dataType, output.FullName);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {result.ModelPath} ({new FileInfo(result.ModelPath).Length:N0} bytes), {result.DataPath} ({new FileInfo(result.DataPath).Length:N0} bytes), {result.InfoPath} in {watch.Elapsed.TotalSeconds:F1} s"));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot write the model to '{output.FullName}': {e.Message}");
            return 1;
        }
    }
}
