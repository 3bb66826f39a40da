using System.Diagnostics;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Shutdown;

/// <summary>
/// Runs every <see cref="IDrainable"/> when the host begins stopping (<see cref="IHostedLifecycleService.StoppingAsync"/>
/// runs before any hosted service's StopAsync), bounded by <c>Shutdown:DrainTimeout</c>.
/// </summary>
public sealed class DrainCoordinator(
    IEnumerable<IDrainable> drainables,
    SettingsStore settings,
    ServiceStatus status,
    ILogger<DrainCoordinator> logger) : IHostedLifecycleService
{
    private readonly IDrainable[] _drainables = [.. drainables];

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        status.SetPhase("stopping");
        if (_drainables.Length == 0)
        {
            return;
        }

        var timeout = settings.Current.Shutdown.DrainTimeout;
        HostingLog.Draining(logger, _drainables.Length, timeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await Task.WhenAll(_drainables.Select(d => DrainOneAsync(d, timeout, deadline.Token))).ConfigureAwait(false);
    }

    private async Task DrainOneAsync(IDrainable drainable, TimeSpan timeout, CancellationToken deadline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // WaitAsync bounds a component that ignores the token.
            await drainable.DrainAsync(deadline).WaitAsync(timeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            HostingLog.Drained(logger, drainable.Name, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            HostingLog.DrainTimedOut(logger, drainable.Name, timeout);
        }
#pragma warning disable CA1031 // one component failing to drain must not stop the others from draining
        catch (Exception e)
#pragma warning restore CA1031
        {
            HostingLog.DrainFailed(logger, drainable.Name, e);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
