namespace EdgeLam.Hosting.Health;

/// <summary>The result of one check: healthy, or unhealthy with a reason for the log and STATUS.</summary>
public readonly record struct HealthResult(bool IsHealthy, string? Reason)
{
    public static HealthResult Healthy => new(true, null);

    public static HealthResult Unhealthy(string reason) => new(false, reason);
}

/// <summary>
/// A component's liveness, registered into DI (<c>services.AddSingleton&lt;IHealthCheck, MyCheck&gt;()</c>).
/// Called on the watchdog cadence: must be quick and must not block (read a heartbeat timestamp, a state flag).
/// While any check is unhealthy, watchdog pings stop and systemd restarts the service after WatchdogSec.
/// </summary>
public interface IHealthCheck
{
    string Name { get; }

    HealthResult Check();
}
