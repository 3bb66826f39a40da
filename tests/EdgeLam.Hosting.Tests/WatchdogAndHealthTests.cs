using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Health;
using EdgeLam.Hosting.Status;
using EdgeLam.Hosting.Systemd;
using EdgeLam.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Hosting.Tests;

public class WatchdogAndHealthTests
{
    private sealed class SwitchCheck(string name) : IHealthCheck
    {
        public bool Healthy { get; set; } = true;

        public string Name => name;

        public HealthResult Check() => Healthy ? HealthResult.Healthy : HealthResult.Unhealthy("stalled");
    }

    private sealed class ThrowingCheck : IHealthCheck
    {
        public string Name => "broken";

        public HealthResult Check() => throw new InvalidOperationException("boom");
    }

    private static WatchdogService Watchdog(RecordingNotifier notifier, ServiceStatus status, params IHealthCheck[] checks) => new(
        SystemdEnvironment.From(k => k == "WATCHDOG_USEC" ? "1000000" : null, 1),
        notifier,
        new HealthMonitor(checks),
        status,
        TimeProvider.System,
        NullLogger<WatchdogService>.Instance);

    [Fact]
    public void Tick_PingsOnlyWhileHealthy()
    {
        var notifier = new RecordingNotifier();
        var status = new ServiceStatus();
        status.SetPhase("running");
        status.Set("model", "waiting for model assignment");
        var lines = new List<string>();
        status.Changed += lines.Add;
        var check = new SwitchCheck("pipeline");
        var watchdog = Watchdog(notifier, status, check, new SwitchCheck("mqtt"));

        watchdog.Tick();
        check.Healthy = false;
        watchdog.Tick();
        watchdog.Tick();
        check.Healthy = true;
        watchdog.Tick();

        Assert.Equal(["WATCHDOG=1", "WATCHDOG=1"], notifier.Messages);
        Assert.Equal(["unhealthy: pipeline: stalled; waiting for model assignment", "waiting for model assignment"], lines);
    }

    [Fact]
    public void Evaluate_CheckThatThrows_CountsAsUnhealthy()
    {
        var report = new HealthMonitor([new SwitchCheck("ok"), new ThrowingCheck()]).Evaluate();

        Assert.False(report.IsHealthy);
        Assert.Equal("broken: check threw InvalidOperationException: boom", Assert.Single(report.Failures));
    }

    [Fact]
    public void FileFlagHealthCheck_FailsWhileTheFileExists()
    {
        using var dir = new TempDirectory();
        var flag = dir.Combine("fail-health");
        var check = new FileFlagHealthCheck(new SettingsStore(Settings.Valid(("Diagnostics:FailHealthFile", flag))));

        Assert.True(check.Check().IsHealthy);
        File.WriteAllText(flag, "");
        Assert.False(check.Check().IsHealthy);
        File.Delete(flag);
        Assert.True(check.Check().IsHealthy);
    }

    [Fact]
    public void FileFlagHealthCheck_Unconfigured_IsHealthy() =>
        Assert.True(new FileFlagHealthCheck(new SettingsStore(Settings.Valid())).Check().IsHealthy);
}
