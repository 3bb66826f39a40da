using System.CommandLine;
using System.Text.Json;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Inspect;

namespace EdgeLam.Gateway.Cli;

/// <summary><c>edgelam model inspect MODEL [--json]</c>: inputs, outputs, opsets, producer, weights, external data, blocks.</summary>
internal static class ModelInspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Path of the .onnx file." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("inspect", "Show a model's inputs, outputs, opsets, IR version, producer, weights and transformer blocks.");
        command.Arguments.Add(model);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            try
            {
                var summary = ModelInspector.Inspect(ModelFile.Load(parse.GetValue(model)!));
                Console.Out.Write(parse.GetValue(json)
                    ? JsonSerializer.Serialize(summary, ModelSummaryJsonContext.Default.ModelSummary) + Environment.NewLine
                    : ModelInspector.Format(summary));
                return 0;
            }
            catch (OnnxModelException e)
            {
                Console.Error.WriteLine("edgelam model inspect: " + e.Message);
                return 1;
            }
        });
        return command;
    }
}
