using EdgeLam.Hosting.Configuration;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// SIGHUP for the node's sections, after <c>ReloadService</c> accepted the new configuration: Node:StepTimeout,
/// MaxAttempts and ResultTopK apply to the running stage (its stages read them per step); the other stage, Mqtt and
/// Onnx keys need a restart and are logged (ReloadService logs Node:Name/Role/Site, Mqtt:Host/Port/…, Model:Path and
/// Board:Name).
/// </summary>
internal sealed class NodeReloadHandler(
    NodeSettings node,
    MqttClientOptions mqtt,
    IOptions<OnnxRuntimeOptions> onnx,
    SettingsStore settings,
    IConfigurationRoot configuration,
    ILoggerFactory loggers) : IHostedService
{
    private readonly ILogger _logger = loggers.CreateLogger("EdgeLam.Gateway.Node");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        settings.Changed += OnReloaded;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        settings.Changed -= OnReloaded;
        return Task.CompletedTask;
    }

    private void OnReloaded(EdgeLamSettings previous, EdgeLamSettings next)
    {
        var reader = new ConfigReader(configuration);
        var nodeNext = NodeSectionValidator.Bind(reader);
        var mqttNext = MqttSectionValidator.Bind(reader);
        var onnxNext = OnnxSectionValidator.Bind(reader);
        if (node.Stage is { } live && nodeNext.Stage is { } wanted)
        {
            live.StepTimeout = wanted.StepTimeout;
            live.MaxAttempts = wanted.MaxAttempts;
            live.ResultTopK = wanted.ResultTopK;
            NodeLog.Reloaded(_logger, wanted.StepTimeout, wanted.MaxAttempts, wanted.ResultTopK);
            foreach (var (key, before, after) in new (string, object?, object?)[]
            {
                ("Node:Segments", node.Segments, nodeNext.Segments),
                ("Node:Wire", live.Codec, wanted.Codec),
                ("Node:ContextLimit", live.ContextLimit, wanted.ContextLimit),
                ("Node:PlanEpoch", live.PlanEpoch, wanted.PlanEpoch),
            })
            {
                if (!Equals(before, after))
                {
                    NodeLog.NeedsRestart(_logger, key);
                }
            }
        }

        var m = mqtt;
        if (m.CleanStart != mqttNext.CleanStart || m.SessionExpiry != mqttNext.SessionExpiry || m.MaxInflightMessages != mqttNext.MaxInflightMessages
            || m.ReconnectDelayMin != mqttNext.ReconnectDelayMin || m.ReconnectDelayMax != mqttNext.ReconnectDelayMax || m.KeepAlive != mqttNext.KeepAlive || m.Password != mqttNext.Password)
        {
            NodeLog.NeedsRestart(_logger, "Mqtt");
        }

        var o = onnx.Value;
        if (o.LibraryPath != onnxNext.LibraryPath || o.IntraOpThreads != onnxNext.IntraOpThreads || o.InterOpThreads != onnxNext.InterOpThreads
            || o.GraphOptimizationLevel != onnxNext.GraphOptimizationLevel || !o.Providers.SequenceEqual(onnxNext.Providers))
        {
            NodeLog.NeedsRestart(_logger, "Onnx");
        }
    }
}
