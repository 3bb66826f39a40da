using System.Runtime.InteropServices;
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
/// diagnostics apply at once); then READY=1. Keys that need a restart are logged. An invalid reload is
/// rejected with one log line per problem and the running settings stay.
/// </summary>
public sealed class ReloadService(
    IConfigurationRoot configuration,
    IEnumerable<IConfigSectionValidator> validators,
    SettingsStore settings,
    ISystemdNotifier notifier,
    ServiceStatus status,
    ILogger<ReloadService> logger) : IHostedService, IDisposable
{
    /// <summary>Keys whose change only takes effect after a restart.</summary>
    private static readonly Func<EdgeLamSettings, string?>[] RestartKeys =
    [
        s => "Node:Name=" + s.Node.Name, s => "Node:Role=" + s.Node.Role, s => "Node:Site=" + s.Node.Site,
        s => "Mqtt:Host=" + s.Mqtt.Host, s => "Mqtt:Port=" + s.Mqtt.Port, s => "Mqtt:ClientId=" + s.Mqtt.ClientId,
        s => "Mqtt:Username=" + s.Mqtt.Username, s => "Mqtt:Tls=" + s.Mqtt.Tls.Enabled + s.Mqtt.Tls.CaFile + s.Mqtt.Tls.CertFile,
        s => "Board:Name=" + s.Board.Name, s => "Model:Path=" + s.Model.Path,
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
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
        try
        {
            configuration.Reload();
            next = EdgeLamSettings.Bind(configuration, validators, out problems);
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

        var previous = settings.Current;
        foreach (var key in RestartKeys)
        {
            if (key(previous) != key(next))
            {
                HostingLog.NeedsRestart(logger, key(next)!.Split('=')[0]);
            }
        }

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
