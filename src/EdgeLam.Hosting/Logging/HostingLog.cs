using Microsoft.Extensions.Logging;

namespace EdgeLam.Hosting.Logging;

/// <summary>Log messages of the hosting layer. Event ids 1000–1099 lifetime, 1100–1199 watchdog and health,
/// 1200–1299 reload, 1300–1399 drain, 1400–1499 metrics.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(1000, LogLevel.Information, "EdgeLam started: node {Node} ({Role}, board {Board}); {Status}")]
    public static partial void Started(ILogger logger, string node, string role, string board, string status);

    [LoggerMessage(1001, LogLevel.Information, "Received {Signal}: stopping")]
    public static partial void StopSignal(ILogger logger, string signal);

    [LoggerMessage(1002, LogLevel.Information, "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(1003, LogLevel.Information, "Status: {Status}")]
    public static partial void StatusChanged(ILogger logger, string status);

    [LoggerMessage(1004, LogLevel.Warning, "Configuration section {Section} is not used by any component (misspelt?)")]
    public static partial void UnknownSection(ILogger logger, string section);

    [LoggerMessage(1100, LogLevel.Information, "systemd watchdog enabled: timeout {Timeout}, ping every {Interval}")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan timeout, TimeSpan interval);

    [LoggerMessage(1101, LogLevel.Error, "Health check failed, watchdog pings suspended: {Report}")]
    public static partial void Unhealthy(ILogger logger, string report);

    [LoggerMessage(1102, LogLevel.Information, "Health restored, watchdog pings resumed")]
    public static partial void HealthRestored(ILogger logger);

    [LoggerMessage(1200, LogLevel.Information, "SIGHUP: reloading configuration")]
    public static partial void Reloading(ILogger logger);

    [LoggerMessage(1201, LogLevel.Information, "Configuration reloaded")]
    public static partial void Reloaded(ILogger logger);

    [LoggerMessage(1202, LogLevel.Error, "Reloaded configuration rejected, keeping the running one: {Problem}")]
    public static partial void ReloadProblem(ILogger logger, string problem);

    [LoggerMessage(1203, LogLevel.Warning, "{Key} changed; it takes effect after a restart (systemctl restart edgelam)")]
    public static partial void NeedsRestart(ILogger logger, string key);

    [LoggerMessage(1204, LogLevel.Error, "Reloading configuration failed, keeping the running one")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(1300, LogLevel.Information, "Draining {Count} component(s), at most {Timeout}")]
    public static partial void Draining(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(1301, LogLevel.Information, "{Component} drained in {Milliseconds} ms")]
    public static partial void Drained(ILogger logger, string component, long milliseconds);

    [LoggerMessage(1302, LogLevel.Warning, "{Component} did not drain within {Timeout}")]
    public static partial void DrainTimedOut(ILogger logger, string component, TimeSpan timeout);

    [LoggerMessage(1303, LogLevel.Error, "{Component} failed while draining")]
    public static partial void DrainFailed(ILogger logger, string component, Exception exception);

    [LoggerMessage(1400, LogLevel.Information, "Prometheus metrics on http://127.0.0.1:{Port}/metrics")]
    public static partial void MetricsListening(ILogger logger, int port);

    [LoggerMessage(1401, LogLevel.Error, "Cannot serve metrics on 127.0.0.1:{Port}")]
    public static partial void MetricsBindFailed(ILogger logger, int port, Exception exception);

    [LoggerMessage(1402, LogLevel.Information, "Prometheus metrics endpoint stopped")]
    public static partial void MetricsStopped(ILogger logger);

    [LoggerMessage(1403, LogLevel.Debug, "Metrics request failed")]
    public static partial void MetricsRequestFailed(ILogger logger, Exception exception);
}
