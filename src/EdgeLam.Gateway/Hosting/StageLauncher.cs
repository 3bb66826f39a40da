using EdgeLam.Hosting.Status;
using EdgeLam.Inference;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Starts the configured stage: creates ONNX Runtime (section <c>Onnx</c>) and the gateway or peer stage
/// (<see cref="RoleHost"/>), connecting with retries while STATUS says "waiting for broker HOST:PORT". A stage that
/// cannot start stops the daemon: 78 when the model or ONNX Runtime named by the configuration cannot serve (a
/// restart would not help), 70 for anything else (systemd restarts).
/// </summary>
internal sealed class StageLauncher(
    NodeSettings node,
    MqttClientOptions mqtt,
    IOptions<OnnxRuntimeOptions> onnx,
    ServiceStatus status,
    IHostApplicationLifetime lifetime,
    DaemonExit exit,
    ILoggerFactory loggers)
{
    public const string ModelComponent = "model";

    private readonly ILogger _logger = loggers.CreateLogger("EdgeLam.Gateway.Node");

    /// <summary>
    /// The running stage and the runtime it runs on; null when it could not start (the daemon is stopping) or
    /// <paramref name="stopping"/> fired. <paramref name="loaded"/> gets the stage once it is open, before the broker
    /// connection is waited for.
    /// </summary>
    public async Task<LaunchedStage?> LaunchAsync(NodeRoleOptions stage, CancellationToken stopping, Action<RoleHost, OnnxRuntime>? loaded = null)
    {
        OnnxRuntime? runtime = null;
        try
        {
            runtime = OnnxRuntime.Create(onnx.Value, w => NodeLog.OnnxWarning(_logger, w));
            NodeLog.Connecting(_logger, node.Role, stage.Node, node.Segments, mqtt.Host, mqtt.Port);
            var created = runtime;
            return new LaunchedStage(await RoleHost.StartAsync(stage, mqtt, runtime, loggers, stopping, node => loaded?.Invoke(node, created)).ConfigureAwait(false), runtime);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            runtime?.Dispose();
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or OrtException or InferenceException or IOException)
        {
            runtime?.Dispose();
            NodeLog.StartFailed(_logger, stage.ModelDirectory, e);
            status.Set(ModelComponent, "model failed to load: " + e.Message.ReplaceLineEndings(" "));
            Stop(ExitCodes.Config);
            return null;
        }
#pragma warning disable CA1031 // last line of defence for the background start: log it and stop with 70 (systemd restarts)
        catch (Exception e)
#pragma warning restore CA1031
        {
            runtime?.Dispose();
            NodeLog.StartCrashed(_logger, e);
            Stop(ExitCodes.Software);
            return null;
        }
    }

    private void Stop(int code)
    {
        status.Set(NodeStatusPublisher.BrokerComponent, null);
        exit.Fail(code);
        lifetime.StopApplication();
    }
}

/// <summary>A started stage and the ONNX Runtime it runs on (disposed after the stage).</summary>
internal sealed record LaunchedStage(RoleHost Stage, OnnxRuntime Runtime) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Stage.DisposeAsync().ConfigureAwait(false); // publishes "offline" (retained), then disconnects
        Runtime.Dispose();
    }
}
