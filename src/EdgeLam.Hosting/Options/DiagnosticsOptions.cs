using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Options;

/// <summary>
/// Section <c>Diagnostics</c>. <see cref="FailHealthFile"/>: while this file exists the diagnostic health check
/// fails, so watchdog pings stop and systemd restarts the service after WatchdogSec. Unset by default; used by
/// the acceptance tests and to rehearse watchdog recovery on a device (<c>touch</c> the file).
/// </summary>
public sealed class DiagnosticsOptions
{
    public const string Section = "Diagnostics";

    public string? FailHealthFile { get; init; }

    public static DiagnosticsOptions Bind(ConfigReader r) => new() { FailHealthFile = r.String("Diagnostics:FailHealthFile") };
}
