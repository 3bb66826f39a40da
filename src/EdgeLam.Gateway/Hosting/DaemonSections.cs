using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Validators for configuration sections owned by other components, run with the daemon's own at start and on
/// reload. Merge points: <c>Onnx</c> (OnnxRuntimeOptions, branch ort) and <c>Sensors</c> (SensorsOptions, branch
/// sensors) each add one <see cref="IConfigSectionValidator"/> here.
/// </summary>
internal static class DaemonSections
{
    public static IReadOnlyList<IConfigSectionValidator> Validators { get; } = [];
}
