using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Validators for configuration sections owned by other components, run with the daemon's own at start and on
/// reload: <c>Onnx</c> (OnnxRuntimeOptions) and <c>Sensors</c> (SensorsOptions). A component with its own section
/// adds one <see cref="IConfigSectionValidator"/> here.
/// </summary>
internal static class DaemonSections
{
    public static IReadOnlyList<IConfigSectionValidator> Validators { get; } = [new OnnxSectionValidator(), new SensorsSectionValidator()];
}
