using System.CommandLine;
using EdgeLam.Core.Models;
using EdgeLam.Core.Native;
using EdgeLam.Core.Npy;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam model ...</c>: <c>run</c> feeds a folder of <c>NAME.npy</c> to a model and writes every output as
/// <c>NAME.npy</c>. The work is done by <see cref="NpyFolderRun"/> over an <see cref="IModelRunner"/>.
/// </summary>
internal static class ModelCommands
{
    /// <summary>Exit code: inputs missing, unknown, mistyped or misshaped; an input file unreadable.</summary>
    public const int ExitBadInput = 2;

    /// <summary>Exit code: ONNX Runtime or the model could not be loaded, or the run failed.</summary>
    public const int ExitRuntimeFailure = 3;

    public static Command Create()
    {
        var model = new Command("model", "Inspect and run ONNX models.");
        model.Subcommands.Add(CreateRun());
        model.Subcommands.Add(ModelInspectCommand.Create());
        model.Subcommands.Add(ModelSplitCommand.Create());
        model.Subcommands.Add(ModelBuildCommand.Create());
        model.Subcommands.Add(ModelAdaptCommand.Create());
        model.Subcommands.Add(ModelQuantizeCommand.Create());
        model.Subcommands.Add(ModelCompareCommand.Create());
        return model;
    }

    private static Command CreateRun()
    {
        var modelPath = new Argument<string>("MODEL") { Description = "The .onnx model (external data next to it is found automatically), or a folder written by 'model split'." };
        var inputs = new Option<string>("--inputs") { Description = "Folder with one NAME.npy per model input.", Required = true };
        var outputs = new Option<string>("--outputs") { Description = "Folder that receives one NAME.npy per model output (created).", Required = true };
        var library = new Option<string?>("--onnxruntime") { Description = "Path of libonnxruntime.so (default: beside edgelam, native/ in the repository, then the system)." };
        var providers = new Option<string[]>("--provider")
        {
            Description = "Execution provider in order of preference: CUDA, TensorRT, CPU (repeatable). Missing ones fall back to CPU with a warning.",
            AllowMultipleArgumentsPerToken = true,
        };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0: ONNX Runtime's default)." };
        var optimization = new Option<string>("--optimization") { Description = "Graph optimization level: disabled, basic, extended, layout, all.", DefaultValueFactory = _ => "all" };
        optimization.AcceptOnlyFromAmong("disabled", "basic", "extended", "layout", "all");

        var run = new Command("run", "Run MODEL on --inputs DIR/NAME.npy and write --outputs DIR/NAME.npy.");
        run.Arguments.Add(modelPath);
        run.Options.Add(inputs);
        run.Options.Add(outputs);
        run.Options.Add(library);
        run.Options.Add(providers);
        run.Options.Add(threads);
        run.Options.Add(optimization);
        run.SetAction(parse =>
        {
            var options = new OnnxRuntimeOptions
            {
                LibraryPath = parse.GetValue(library),
                IntraOpThreads = parse.GetValue(threads),
                GraphOptimizationLevel = ParseLevel(parse.GetValue(optimization)!),
            };
            foreach (var p in parse.GetValue(providers) ?? [])
            {
                options.Providers.Add(p);
            }

            return Run(parse.GetValue(modelPath)!, parse.GetValue(inputs)!, parse.GetValue(outputs)!, options);
        });
        return run;
    }

    private static int Run(string modelPath, string inputDirectory, string outputDirectory, OnnxRuntimeOptions options)
    {
        try
        {
            using var runtime = OnnxRuntime.Create(options, w => Console.Error.WriteLine("edgelam: warning: " + w));
            Console.WriteLine("ONNX Runtime " + runtime.Version + " (" + runtime.LibraryPath + ")");
            using var runner = OpenRunner(runtime, modelPath);
            var written = NpyFolderRun.Run(runner, inputDirectory, outputDirectory);
            foreach (var name in written)
            {
                var spec = runner.Outputs.First(o => o.Name == name);
                Console.WriteLine("wrote " + NpyDirectory.PathOf(outputDirectory, name) + "  tensor(" + spec.ElementType.OnnxName() + ")");
            }

            return 0;
        }
        catch (Exception e) when (e is ModelInputException or NpyFormatException or DirectoryNotFoundException)
        {
            return Fail(ExitBadInput, e.Message);
        }
        catch (Exception e) when (e is FileNotFoundException or NativeLibraryLoadException or OrtException or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or OnnxModelException)
        {
            return Fail(ExitRuntimeFailure, e.Message);
        }
    }

    /// <summary>The runner for MODEL: one ONNX Runtime session, or the segments of a split folder chained in-process.</summary>
    internal static IModelRunner OpenRunner(OnnxRuntime runtime, string modelPath) =>
        SplitModelRunner.IsSplitDirectory(modelPath)
            ? SplitModelRunner.Open(modelPath, segment => new OrtModelRunner(runtime.OpenSession(segment)))
            : new OrtModelRunner(runtime.OpenSession(modelPath));

    internal static GraphOptimizationLevel ParseLevel(string level) => level switch
    {
        "disabled" => GraphOptimizationLevel.Disabled,
        "basic" => GraphOptimizationLevel.Basic,
        "extended" => GraphOptimizationLevel.Extended,
        "layout" => GraphOptimizationLevel.Layout,
        _ => GraphOptimizationLevel.All,
    };

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine("edgelam model run: error: " + message);
        return code;
    }
}
