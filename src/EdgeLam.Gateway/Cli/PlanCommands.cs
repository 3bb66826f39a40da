using System.CommandLine;
using System.Text.Json;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Costs;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam plan simulate --model MODEL --nodes FILE</c>: the split the planner chooses for a what-if site (nodes,
/// links, constraints in a JSON file; the model's costs from the export or its split manifest), with the predicted
/// latencies of the best few alternatives. Exit 0 with a plan, 1 when no plan meets the constraints, 2 on bad input.
/// <c>edgelam plan show</c> (<see cref="PlanShowCommand"/>) does the same for the live site.
/// </summary>
internal static class PlanCommands
{
    public const int ExitNoPlan = 1;

    public const int ExitBadInput = 2;

    public static Command Create()
    {
        var plan = new Command("plan", "Plan the split of a model over nodes.");
        plan.Subcommands.Add(CreateSimulate());
        plan.Subcommands.Add(PlanShowCommand.Create());
        return plan;
    }

    private static Command CreateSimulate()
    {
        var model = new Option<string>("--model") { Description = "The .onnx model, or a folder written by 'model split' (its manifest's costs).", Required = true };
        var nodes = new Option<string>("--nodes") { Description = "JSON file: nodes, links, constraints, objective (docs/orchestration.md).", Required = true };
        var command = new Command("simulate", "Show the split the planner picks for the nodes in a file, and the best alternatives.");
        command.Options.Add(model);
        command.Options.Add(nodes);
        command.SetAction(parse => Simulate(parse.GetValue(model)!, parse.GetValue(nodes)!));
        return command;
    }

    private static int Simulate(string modelPath, string nodesPath)
    {
        CostTable costs;
        SiteScenario? scenario;
        try
        {
            costs = CostTables.FromModel(ReadCosts(modelPath));
            using var stream = File.OpenRead(nodesPath);
            scenario = JsonSerializer.Deserialize(stream, ScenarioJsonContext.Default.SiteScenario);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or OnnxModelException)
        {
            Console.Error.WriteLine("edgelam plan simulate: " + e.Message);
            return ExitBadInput;
        }

        if (scenario is null)
        {
            Console.Error.WriteLine($"edgelam plan simulate: '{nodesPath}' holds no scenario.");
            return ExitBadInput;
        }

        var problem = ScenarioProblemBuilder.Build(scenario, costs, out var problems);
        if (problem is null)
        {
            foreach (var p in problems)
            {
                Console.Error.WriteLine($"edgelam plan simulate: {nodesPath}: {p}");
            }

            return ExitBadInput;
        }

        var result = SplitPlanner.Plan(problem);
        Console.Out.Write(PlanReport.Format(result));
        return result.IsFeasible ? 0 : ExitNoPlan;
    }

    /// <summary>The model's cost table: from a split folder's manifest, or computed from an .onnx.</summary>
    internal static ModelCostTable ReadCosts(string path)
    {
        if (Directory.Exists(path) && !File.Exists(Path.Combine(path, SplitManifest.FileName)) && File.Exists(Path.Combine(path, "model.onnx")))
        {
            path = Path.Combine(path, "model.onnx"); // a whole export's folder
        }

        if (Directory.Exists(path))
        {
            return ModelSplitter.ReadManifest(path).Costs
                ?? throw new ModelFormatException($"'{path}': its {SplitManifest.FileName} has no costs; split the model again with this version.");
        }

        return ModelCosts.Of(ModelFile.Load(path));
    }
}
