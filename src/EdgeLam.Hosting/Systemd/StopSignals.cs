using System.Runtime.InteropServices;
using EdgeLam.Hosting.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Systemd;

/// <summary>
/// SIGTERM, SIGINT and SIGQUIT stop the host gracefully (drain, then exit 0) and are logged. The library's
/// systemd lifetime handles SIGTERM only; this keeps SIGINT and SIGQUIT graceful under systemd too.
/// </summary>
public sealed class StopSignals(IHostApplicationLifetime applicationLifetime, ILogger<StopSignals> logger) : IHostedService, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnStopSignal));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
