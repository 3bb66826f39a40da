using EdgeLam.Hosting.Health;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Systemd;

/// <summary>
/// Sends WATCHDOG=1 through the library's <see cref="ISystemdNotifier"/> (which never sends it itself) every half of
/// WATCHDOG_USEC while <see cref="HealthMonitor"/> reports healthy; when a check fails the pings stop, so systemd
/// restarts a hung pipeline. Does nothing when systemd set no watchdog for this process (WATCHDOG_USEC absent, or
/// WATCHDOG_PID naming another process) or the process is not a systemd service (notifier disabled).
/// </summary>
public sealed class WatchdogService(
    SystemdEnvironment environment,
    ISystemdNotifier notifier,
    HealthMonitor health,
    ServiceStatus status,
    TimeProvider time,
    ILogger<WatchdogService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (environment.WatchdogTimeout is not { } timeout || environment.WatchdogPingInterval is not { } interval || !notifier.IsEnabled)
        {
            return;
        }

        HostingLog.WatchdogEnabled(logger, timeout, interval);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            Tick();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private bool _healthy = true;

    /// <summary>The <see cref="ServiceStatus"/> entry showing failed checks (sorts before other waits, so STATUS starts with it).</summary>
    public const string StatusComponent = "health";

    /// <summary>One watchdog period: ping when healthy; on a transition log it and show or clear it in STATUS.</summary>
    internal void Tick()
    {
        var report = health.Evaluate();
        if (report.IsHealthy)
        {
            notifier.Send(NotifyMessages.Watchdog);
            if (!_healthy)
            {
                HostingLog.HealthRestored(logger);
                status.Set(StatusComponent, null);
            }
        }
        else if (_healthy)
        {
            HostingLog.Unhealthy(logger, report.Describe());
            status.Set(StatusComponent, report.Describe());
        }

        _healthy = report.IsHealthy;
    }
}
