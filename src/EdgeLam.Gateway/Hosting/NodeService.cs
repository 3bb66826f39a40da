using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Hosting.Status;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Hosts the node of <c>edgelam run</c>: starts the stage in the background with <see cref="StageLauncher"/> (the
/// daemon's start does not wait for the broker), then hands it to <see cref="NodeStatusPublisher"/> (metrics, status
/// summary, capacity) and, through <see cref="NodeHandle"/>, to the request sources. SIGHUP is
/// <see cref="NodeReloadHandler"/>'s. Without <c>Model:Path</c> it only posts "waiting for a model" and the daemon
/// stays up. On SIGTERM (<see cref="IDrainable"/>): refuses new work, lets requests and the step in flight finish
/// within <c>Shutdown:DrainTimeout</c>, flushes the answers; then <see cref="StopAsync"/> publishes "offline" and
/// disconnects.
/// </summary>
internal sealed class NodeService(
    NodeHandle handle,
    NodeSettings node,
    StageLauncher launcher,
    NodeStatusPublisher publisher,
    SettingsStore settings,
    ServiceStatus status,
    ILoggerFactory loggers) : IHostedService, IDrainable, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("EdgeLam.Gateway.Node");
    private readonly CancellationTokenSource _stopping = new();
    private LaunchedStage? _launched;
    private Task _run = Task.CompletedTask;

    public string Name => "node";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (node.Stage is null)
        {
            status.Set(StageLauncher.ModelComponent, "waiting for a model: set Model:Path");
            NodeLog.WaitingForModel(_logger, node.Role, settings.Current.Node.Name);
            return Task.CompletedTask;
        }

        status.Set(NodeStatusPublisher.BrokerComponent, publisher.BrokerWait(null));
        _run = Task.Run(() => RunAsync(node.Stage, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(NodeRoleOptions stage, CancellationToken stopping)
    {
        _launched = await launcher.LaunchAsync(stage, stopping, handle.SetLoaded).ConfigureAwait(false);
        if (_launched is not { } launched)
        {
            return;
        }

        publisher.Attach(launched.Stage, launched.Runtime);
        NodeLog.Serving(_logger, node.Role, stage.Node, node.Segments, publisher.ModelId, node.IsOrchestrated ? 0 : stage.PlanEpoch);
        handle.SetStarted(launched.Stage, launched.Runtime);
        await publisher.RunAsync(stopping).ConfigureAwait(false);
    }

    /// <summary>SIGTERM, before any StopAsync: stop taking work, let what is in flight finish, flush the answers.</summary>
    public async Task DrainAsync(CancellationToken deadline)
    {
        await _stopping.CancelAsync().ConfigureAwait(false); // ends the status loop (and a connect still waiting)
        await AwaitQuietly(_run).ConfigureAwait(false);
        if (_launched?.Stage is not { } stage)
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
        if (_launched is { } launched)
        {
            publisher.State = NodeState.Offline;
            publisher.Detach();
            await launched.DisposeAsync().ConfigureAwait(false); // publishes "offline" (retained), then disconnects
            _launched = null;
        }
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
