using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binders of the configuration sections owned by other components, run with the daemon's own sections at start
/// and on reload, each binding its section once into the options its component consumes: <c>Mqtt</c>
/// (MqttClientOptions), <c>Onnx</c> (OnnxRuntimeOptions), <c>Sensors</c> (SensorsOptions), the stage keys of
/// <c>Node</c> (NodeSettings with NodeRoleOptions), <c>Sensing</c> (SensorRequestOptions), <c>Orchestration</c>
/// (OrchestrationOptions) and <c>Offline</c> (OfflineOptions). A component with its
/// own section adds one <see cref="IConfigSectionBinder"/> here (docs/operations.md, "Adding a setting").
/// </summary>
internal static class DaemonSections
{
    public static IReadOnlyList<IConfigSectionBinder> Binders { get; } = [new MqttSectionBinder(), new OnnxSectionBinder(), new SensorsSectionBinder(), new NodeSectionBinder(), new SensingSectionBinder(), new OrchestrationSectionBinder(), new OfflineSectionBinder()];
}
