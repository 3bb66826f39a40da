using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Options;

/// <summary>Section <c>Model</c>: a model directory (segments + manifest.json) or file. Optional: without it the
/// node waits for a model assignment.</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    public string? Path { get; init; }

    public static ModelOptions Bind(ConfigReader r) => new() { Path = r.ExistingPath("Model:Path") };
}
