using System.Runtime.InteropServices;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Options;
using EdgeLam.Hosting.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Systemd;

/// <summary>
/// The host lifetime under systemd (and interactively): READY=1 with STATUS once every hosted service has
/// started, STATUS on every status change, STOPPING=1 when stopping begins; SIGTERM, SIGINT and SIGQUIT stop
/// the host gracefully.
/// </summary>
public sealed class SystemdLifetime(
    IHostApplicationLifetime applicationLifetime,
    ISystemdNotifier notifier,
    ServiceStatus status,
    SettingsStore settings,
    ILogger<SystemdLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly List<IDisposable> _registrations = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(applicationLifetime.ApplicationStarted.Register(OnStarted));
        _registrations.Add(applicationLifetime.ApplicationStopping.Register(OnStopping));
        _registrations.Add(applicationLifetime.ApplicationStopped.Register(() => HostingLog.Stopped(logger)));
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnStopSignal));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnStarted()
    {
        status.SetPhase("running");
        var s = settings.Current;
        var line = status.Line;
        HostingLog.Started(logger, s.Node.Name, NodeOptions.RoleName(s.Node.Role), s.Board.Name, line);
        notifier.Notify(NotifyMessages.ReadyWithStatus(line));
        status.Changed += OnStatusChanged;
    }

    private void OnStatusChanged(string line)
    {
        if (!status.IsSummaryChange(line))
        {
            HostingLog.StatusChanged(logger, line); // counters in the running summary change often: STATUS only
        }

        notifier.Notify(NotifyMessages.Status(line));
    }

    private void OnStopping()
    {
        status.Changed -= OnStatusChanged;
        status.SetPhase("stopping");
        notifier.Notify(NotifyMessages.Stopping + "\n" + NotifyMessages.Status("stopping"));
    }

    private void OnStopSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the host stops itself; the process then exits with 0
        HostingLog.StopSignal(logger, context.Signal.ToString());
        applicationLifetime.StopApplication();
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        _registrations.Clear();
    }
}
