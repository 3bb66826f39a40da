using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Adapt;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam model adapt MODEL --out DIR [--rank R] [--blocks 0,3] [--norms] [--seed S]</c>: makes LoRA factors (and
/// optionally normalization gains) of the chosen blocks trainable inputs (<see cref="AdapterSurgery"/>) and writes the
/// model with <c>adapters.json</c> beside it.
/// </summary>
internal static class ModelAdaptCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Path of the .onnx file to adapt." };
        var output = new Option<string>("--out") { Description = "Folder for the adapted model.onnx and adapters.json.", Required = true };
        var rank = new Option<int>("--rank") { Description = "LoRA rank (0: no LoRA factors).", DefaultValueFactory = _ => 4 };
        var blocks = new Option<string?>("--blocks") { Description = "Blocks to adapt, e.g. 2,3 (default: every block)." };
        var norms = new Option<bool>("--norms") { Description = "Also make the blocks' normalization gains trainable." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the LoRA A factors' initial values.", DefaultValueFactory = _ => 1 };
        var command = new Command("adapt", "Add trainable adapters (LoRA factors, normalization gains) as model inputs; outputs stay unchanged.");
        command.Arguments.Add(model);
        command.Options.Add(output);
        command.Options.Add(rank);
        command.Options.Add(blocks);
        command.Options.Add(norms);
        command.Options.Add(seed);
        command.SetAction(parse =>
        {
            try
            {
                var options = new AdaptOptions
                {
                    Rank = parse.GetValue(rank),
                    Blocks = parse.GetValue(blocks) is { } list ? ParseBlocks(list) : null,
                    NormGains = parse.GetValue(norms),
                    Seed = parse.GetValue(seed),
                };
                var path = parse.GetValue(model)!;
                var source = ModelFile.Load(path);
                var added = AdapterSurgery.Apply(source, options);
                var outDir = parse.GetValue(output)!;
                ModelWriter.Write(source.Proto, source.BaseDirectory, Path.Combine(outDir, "model.onnx"), new ModelWriteOptions());
                var manifest = new AdapterManifest(Path.GetFileName(path), options.Rank, added);
                File.WriteAllText(Path.Combine(outDir, AdapterManifest.FileName), JsonSerializer.Serialize(manifest, AdapterJsonContext.Default.AdapterManifest));
                var c = CultureInfo.InvariantCulture;
                Console.Out.WriteLine(string.Create(c, $"{Path.GetFileName(path)}: {added.Count} adapter inputs, {added.Sum(a => a.ElementCount)} trainable values in {added.Select(a => a.Block).Distinct().Count()} blocks -> {outDir}"));
                return 0;
            }
            catch (OnnxModelException e)
            {
                Console.Error.WriteLine("edgelam model adapt: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static int[] ParseBlocks(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var blocks = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out blocks[i]))
            {
                throw new ModelSurgeryException($"--blocks '{text}' must be block numbers separated by commas, e.g. 2,3.");
            }
        }

        return blocks;
    }
}
