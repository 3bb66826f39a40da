using System.Runtime.InteropServices;
using EdgeLam.Core.Configuration;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Status;
using EdgeLam.Hosting.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Reload;

/// <summary>
/// SIGHUP (<c>systemctl reload edgelam</c>): RELOADING=1, re-read every configuration layer, validate, and on
/// success publish the new settings through <see cref="SettingsStore.Changed"/> (log levels, metrics endpoint,
/// diagnostics apply at once); then READY=1. Changed keys that need a restart (<see cref="RestartKeys"/>) are logged.
/// An invalid reload is rejected with one log line per problem and the running settings stay.
/// </summary>
public sealed class ReloadService(
    IConfigurationRoot configuration,
    IEnumerable<IConfigSectionBinder> binders,
    SettingsStore settings,
    ISystemdNotifier notifier,
    ServiceStatus status,
    ILogger<ReloadService> logger) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyDictionary<string, string>? _accepted; // the configuration values of the running settings
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = Task.Run(ReloadAsync, CancellationToken.None);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration?.Dispose();
        _registration = null;
        return Task.CompletedTask;
    }

    /// <summary>Reloads now. Returns whether the new configuration was accepted.</summary>
    public async Task<bool> ReloadAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            HostingLog.Reloading(logger);
            notifier.Send(NotifyMessages.Reloading());
            var accepted = TryReload();
            notifier.Send(NotifyMessages.ReadyWithStatus(accepted ? status.Line : status.Line + " (last reload rejected)"));
            return accepted;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool TryReload()
    {
        EdgeLamSettings next;
        IReadOnlyList<ConfigProblem> problems;
        var before = _accepted ??= RestartKeys.Snapshot(configuration);
        try
        {
            configuration.Reload();
            next = EdgeLamSettings.Bind(configuration, binders, out problems);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            HostingLog.ReloadFailed(logger, e);
            return false;
        }

        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                HostingLog.ReloadProblem(logger, p.ToString());
            }

            return false;
        }

        var after = RestartKeys.Snapshot(configuration);
        foreach (var key in RestartKeys.Changed(before, after))
        {
            HostingLog.NeedsRestart(logger, key);
        }

        _accepted = after;

        settings.Replace(next);
        HostingLog.Reloaded(logger);
        return true;
    }

    public void Dispose()
    {
        _registration?.Dispose();
        _gate.Dispose();
    }
}
