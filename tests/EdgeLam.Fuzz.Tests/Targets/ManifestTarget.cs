using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// A split model's <c>manifest.json</c> as a node reads it at start: <see cref="ModelSplitter.ParseManifest"/> either
/// throws <see cref="ModelFormatException"/> or returns a manifest whose lists and their entries are all present.
/// The seed is the manifest of a real split (phi3-torchscript of ../shared at boundaries 1 and 2).
/// </summary>
public sealed class ManifestTarget(byte[] seed) : FuzzTarget
{
    public override string Name => "manifest";

    public override IReadOnlyList<byte[]> Seeds { get; } = [seed];

    /// <summary>Splits <paramref name="model"/> into a temporary folder and takes its manifest as the seed.</summary>
    public static ManifestTarget FromModel(string model)
    {
        var dir = Directory.CreateTempSubdirectory("edgelam-fuzz-manifest-");
        try
        {
            ModelSplitter.Split(ModelFile.Load(model), SplitPlan.AtBoundaries(1, 2), dir.FullName);
            return new ManifestTarget(File.ReadAllBytes(Path.Combine(dir.FullName, SplitManifest.FileName)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public override FuzzOutcome Run(byte[] input)
    {
        SplitManifest manifest;
        try
        {
            manifest = ModelSplitter.ParseManifest(input, "manifest.json");
        }
        catch (ModelFormatException)
        {
            return FuzzOutcome.Rejected;
        }

        if (manifest.Source is null || manifest.Inputs is null || manifest.Outputs is null || manifest.Blocks is null
            || manifest.Segments is null || manifest.Inputs.Any(t => t?.Name is null) || manifest.Outputs.Any(t => t?.Name is null)
            || manifest.Segments.Any(s => s?.Files is null || s.Files.Any(f => f?.Name is null) || s.OriginalInputs is null))
        {
            throw new InvalidOperationException("a parsed manifest has a required member that is null");
        }

        return FuzzOutcome.Accepted;
    }
}
