using EdgeLam.Core.Configuration;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Gateway.Hosting;

/// <summary>A whole export an orchestrated node serves, and the folder its per-block split goes to.</summary>
/// <param name="Export">The folder holding <c>model.onnx</c>.</param>
/// <param name="WorkDirectory"><c>Model:WorkDirectory</c>.</param>
internal sealed record PerBlockExport(string Export, string WorkDirectory)
{
    /// <summary>The per-block split of the export (the name <c>BlockLibrary.PerBlock</c> gives it too).</summary>
    public string SplitDirectory => Path.Combine(WorkDirectory, "blocks-all");
}

/// <summary>
/// Splits an orchestrated node's export at every block boundary once, before the node starts (kept for the next
/// start): written beside its final folder and moved there when complete, so a start cut short leaves no half split.
/// </summary>
internal static class PerBlockModel
{
    /// <summary>Makes <see cref="PerBlockExport.SplitDirectory"/> exist; a problem naming the key when it cannot.</summary>
    public static ConfigProblem? Prepare(PerBlockExport export)
    {
        var split = export.SplitDirectory;
        if (File.Exists(Path.Combine(split, SplitManifest.FileName)))
        {
            return null;
        }

        var partial = split + ".partial-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Directory.CreateDirectory(export.WorkDirectory);
            var source = ModelFile.Load(Path.Combine(export.Export, "model.onnx"));
            var blocks = ModelSplitter.Detect(source).BlockCount;
            ModelSplitter.Split(source, SplitPlan.AtBoundaries([.. Enumerable.Range(0, blocks + 1)]), partial);
            if (Directory.Exists(split))
            {
                Directory.Delete(split, recursive: true);
            }

            Directory.Move(partial, split);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OnnxModelException)
        {
            TryDelete(partial);
            return e is OnnxModelException
                ? new ConfigProblem("Model:Path", export.Export, "must be an export whose blocks can be split (" + e.Message + ")")
                : new ConfigProblem(OrchestratedNodeBinder.WorkDirectoryKey, export.WorkDirectory, "must be a writable folder for the per-block split (" + e.Message + ")");
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
