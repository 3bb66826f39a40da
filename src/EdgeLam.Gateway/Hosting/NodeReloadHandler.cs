using EdgeLam.Hosting.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// SIGHUP for the running stage, after <c>ReloadService</c> accepted and bound the new configuration: the stage's
/// <see cref="EdgeLam.Transport.Roles.StageTuning"/> (Node:StepTimeout, MaxAttempts, ResultTopK, Throttle) is swapped whole for
/// the new one; the stages read it once per step. Keys that need a restart are logged by <c>ReloadService</c>
/// (<see cref="RestartKeys"/>).
/// </summary>
internal sealed class NodeReloadHandler(NodeSettings node, SettingsStore settings, ILoggerFactory loggers) : IHostedService
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
        if (node.Stage is { } live && next.Section<NodeSettings>().Stage is { } wanted)
        {
            var tuning = wanted.Tuning;
            live.Tuning = tuning;
            NodeLog.Reloaded(_logger, tuning.StepTimeout, tuning.MaxAttempts, tuning.ResultTopK, tuning.Throttle);
        }
    }
}
