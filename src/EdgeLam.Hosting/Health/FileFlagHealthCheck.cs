using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Health;

/// <summary>
/// Fails while the file named by <c>Diagnostics:FailHealthFile</c> exists (unset: always healthy). Lets tests
/// and operators rehearse a hung pipeline: <c>touch</c> the file and systemd's watchdog restarts the service.
/// </summary>
public sealed class FileFlagHealthCheck(SettingsStore settings) : IHealthCheck
{
    public string Name => "diagnostics";

    public HealthResult Check() =>
        settings.Current.Diagnostics.FailHealthFile is { } path && File.Exists(path)
            ? HealthResult.Unhealthy($"flag file {path} exists (Diagnostics:FailHealthFile)")
            : HealthResult.Healthy;
}
