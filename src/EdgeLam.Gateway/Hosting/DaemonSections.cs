using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Validators for configuration sections owned by other components, run with the daemon's own at start and on
/// reload: <c>Onnx</c> (OnnxRuntimeOptions), <c>Sensors</c> (SensorsOptions), the node's stage keys of <c>Node</c>
/// (NodeRoleOptions), the transport keys of <c>Mqtt</c> (MqttClientOptions) and
/// <c>Sensing</c> (SensorRequestOptions). A component with its own section
/// adds one <see cref="IConfigSectionValidator"/> here.
/// </summary>
internal static class DaemonSections
{
    public static IReadOnlyList<IConfigSectionValidator> Validators { get; } = [new OnnxSectionValidator(), new SensorsSectionValidator(), new NodeSectionValidator(), new MqttSectionValidator(), new SensingSectionValidator()];
}
