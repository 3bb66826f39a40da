using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Hosting.Status;
using EdgeLam.Inference;
using EdgeLam.Onnx.Interop;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Hosts the node of <c>edgelam run</c>: creates ONNX Runtime (section <c>Onnx</c>), starts the gateway or peer stage
/// (<see cref="RoleHost"/>) in the background — connecting waits, retrying with backoff, while STATUS says
/// "waiting for broker HOST:PORT" — and hands it to <see cref="NodeStatusPublisher"/> (metrics, status summary,
/// capacity) and, through <see cref="NodeHandle"/>, to the request sources. SIGHUP is <see cref="NodeReloadHandler"/>'s.
/// Without <c>Model:Path</c> it only posts "waiting for a model" and the daemon stays up. On SIGTERM
/// (<see cref="IDrainable"/>): refuses new work, lets requests and the step in flight finish within
/// <c>Shutdown:DrainTimeout</c>, flushes the answers; then <see cref="StopAsync"/> publishes "offline" and
/// disconnects. A model that cannot be loaded stops the daemon with exit code 78.
/// </summary>
internal sealed class NodeService(
    NodeHandle handle,
    NodeSettings node,
    MqttClientOptions mqtt,
    IOptions<OnnxRuntimeOptions> onnx,
    NodeStatusPublisher publisher,
    SettingsStore settings,
    ServiceStatus status,
    IHostApplicationLifetime lifetime,
    DaemonExit exit,
    ILoggerFactory loggers) : IHostedService, IDrainable, IDisposable
{
    public const string ModelComponent = "model";

    private readonly ILogger _logger = loggers.CreateLogger("EdgeLam.Gateway.Node");
    private readonly CancellationTokenSource _stopping = new();
    private OnnxRuntime? _runtime;
    private RoleHost? _stage;
    private Task _run = Task.CompletedTask;

    public string Name => "node";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (node.Stage is null)
        {
            status.Set(ModelComponent, "waiting for a model: set Model:Path");
            NodeLog.WaitingForModel(_logger, node.Role, settings.Current.Node.Name);
            return Task.CompletedTask;
        }

        status.Set(NodeStatusPublisher.BrokerComponent, publisher.BrokerWait(null));
        _run = Task.Run(() => RunAsync(node.Stage, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(NodeRoleOptions stage, CancellationToken stopping)
    {
        try
        {
            _runtime = OnnxRuntime.Create(onnx.Value, w => NodeLog.OnnxWarning(_logger, w));
            NodeLog.Connecting(_logger, node.Role, stage.Node, node.Segments, mqtt.Host, mqtt.Port);
            _stage = await RoleHost.StartAsync(stage, mqtt, _runtime, loggers, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or OrtException or InferenceException or IOException)
        {
            // The model (or ONNX Runtime) named by the configuration cannot serve: a restart would not help.
            NodeLog.StartFailed(_logger, stage.ModelDirectory, e);
            status.Set(NodeStatusPublisher.BrokerComponent, null);
            status.Set(ModelComponent, "model failed to load: " + e.Message.ReplaceLineEndings(" "));
            exit.Fail(ExitCodes.Config);
            lifetime.StopApplication();
            return;
        }
#pragma warning disable CA1031 // last line of defence for the background start: log it and stop with 70 (systemd restarts)
        catch (Exception e)
#pragma warning restore CA1031
        {
            NodeLog.StartCrashed(_logger, e);
            status.Set(NodeStatusPublisher.BrokerComponent, null);
            exit.Fail(ExitCodes.Software);
            lifetime.StopApplication();
            return;
        }

        publisher.Attach(_stage);
        NodeLog.Serving(_logger, node.Role, stage.Node, node.Segments, publisher.ModelId, stage.PlanEpoch);
        handle.SetStarted(_stage, _runtime);
        await publisher.RunAsync(stopping).ConfigureAwait(false);
    }

    /// <summary>SIGTERM, before any StopAsync: stop taking work, let what is in flight finish, flush the answers.</summary>
    public async Task DrainAsync(CancellationToken deadline)
    {
        await _stopping.CancelAsync().ConfigureAwait(false); // ends the status loop (and a connect still waiting)
        await AwaitQuietly(_run).ConfigureAwait(false);
        var stage = _stage;
        if (stage is null)
        {
            handle.SetStopping();
            return;
        }

        publisher.State = NodeState.Draining;
        status.SetSummary(null);
        await stage.PublishStatusAsync(NodeState.Draining, deadline).ConfigureAwait(false);
        await handle.DrainAsync(deadline).ConfigureAwait(false); // gateway: requests in flight finish (or are cancelled)
        await stage.StopServingAsync().ConfigureAwait(false); // peer: the step in flight finishes, nothing new is read
        NodeLog.Drained(_logger, handle.Requests, publisher.Steps);
        try
        {
            await stage.Client.FlushAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        handle.SetStopping();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await AwaitQuietly(_run).ConfigureAwait(false);
        if (_stage is { } stage)
        {
            publisher.State = NodeState.Offline;
            publisher.Detach();
            await stage.DisposeAsync().ConfigureAwait(false); // publishes "offline" (retained), then disconnects
            _stage = null;
        }

        _runtime?.Dispose();
        _runtime = null;
    }

    private static async Task AwaitQuietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => _stopping.Dispose();
}

internal static partial class NodeLog
{
    [LoggerMessage(2100, LogLevel.Information, "No model configured: {Role} node {Node} waits (set Model:Path to a split model directory)")]
    public static partial void WaitingForModel(ILogger logger, string role, string node);

    [LoggerMessage(2101, LogLevel.Information, "Starting {Role} node {Node} (segments {Segments}); connecting to {Host}:{Port}")]
    public static partial void Connecting(ILogger logger, string role, string node, string segments, string host, int port);

    [LoggerMessage(2102, LogLevel.Information, "{Role} node {Node} serving segments {Segments} of model {Model}, plan epoch {Epoch}")]
    public static partial void Serving(ILogger logger, string role, string node, string segments, string model, uint epoch);

    [LoggerMessage(2103, LogLevel.Critical, "The node cannot start with the model at {Model}; stopping (exit 78)")]
    public static partial void StartFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(2108, LogLevel.Critical, "The node failed to start; stopping (exit 70)")]
    public static partial void StartCrashed(ILogger logger, Exception exception);

    [LoggerMessage(2104, LogLevel.Information, "Node drained: {Requests} requests and {Steps} steps served")]
    public static partial void Drained(ILogger logger, long requests, long steps);

    [LoggerMessage(2105, LogLevel.Information, "Reloaded: Node:StepTimeout {StepTimeout}, Node:MaxAttempts {MaxAttempts}, Node:ResultTopK {TopK} apply now")]
    public static partial void Reloaded(ILogger logger, TimeSpan stepTimeout, int maxAttempts, int topK);

    [LoggerMessage(2106, LogLevel.Warning, "{Key} changed; it takes effect after a restart (systemctl restart edgelam)")]
    public static partial void NeedsRestart(ILogger logger, string key);

    [LoggerMessage(2107, LogLevel.Warning, "ONNX Runtime: {Warning}")]
    public static partial void OnnxWarning(ILogger logger, string warning);
}
