using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Options;
using EdgeLam.Hosting.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Systemd;

/// <summary>
/// Publishes <see cref="ServiceStatus"/> as STATUS= and logs the lifecycle. The library's lifetime sends READY=1
/// when the host has started and STOPPING=1 when it begins stopping; this sends STATUS=&lt;state&gt; once every
/// hosted service has started (just before READY=1), on every status change, and <c>STATUS=stopping</c>.
/// </summary>
public sealed class SystemdStatusService(
    IHostApplicationLifetime applicationLifetime,
    ISystemdNotifier notifier,
    ServiceStatus status,
    SettingsStore settings,
    ILogger<SystemdStatusService> logger) : IHostedLifecycleService, IDisposable
{
    private readonly List<CancellationTokenRegistration> _registrations = [];
    private readonly Lock _gate = new();
    private string? _sent;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(applicationLifetime.ApplicationStopping.Register(OnStopping));
        _registrations.Add(applicationLifetime.ApplicationStopped.Register(() => HostingLog.Stopped(logger)));
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after every hosted service's StartAsync and before ApplicationStarted (READY=1).</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        status.SetPhase("running");
        var s = settings.Current;
        var line = status.Line;
        HostingLog.Started(logger, s.Node.Name, NodeOptions.RoleName(s.Node.Role), s.Board.Name, line);
        Publish(line);
        status.Changed += OnStatusChanged;
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnStatusChanged(string line)
    {
        if (!status.IsSummaryChange(line))
        {
            HostingLog.StatusChanged(logger, line); // counters in the running summary change often: STATUS only
        }

        Publish(line);
    }

    private void OnStopping()
    {
        status.Changed -= OnStatusChanged;
        status.SetPhase("stopping");
        Publish("stopping");
    }

    /// <summary>
    /// Sends STATUS unless it is the line sent last: a stop through <see cref="IHost.StopAsync"/> runs the drain's
    /// <c>stopping</c> phase (StoppingAsync) before ApplicationStopping, a stop signal after it.
    /// </summary>
    private void Publish(string line)
    {
        lock (_gate)
        {
            if (line == _sent)
            {
                return;
            }

            _sent = line;
            notifier.Send(NotifyMessages.Status(line));
        }
    }

    public void Dispose()
    {
        status.Changed -= OnStatusChanged;
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        _registrations.Clear();
    }
}
