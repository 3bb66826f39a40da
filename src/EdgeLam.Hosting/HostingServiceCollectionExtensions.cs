using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Health;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Hosting.Options;
using EdgeLam.Hosting.Reload;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Hosting.Status;
using EdgeLam.Hosting.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLam.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the service plumbing: validated settings (and each options section as a singleton and
    /// <see cref="IOptions{T}"/>), systemd integration (Microsoft.Extensions.Hosting.Systemd, STATUS, stop signals, watchdog), health monitor, drain coordinator,
    /// SIGHUP reload, journald-style logging, metrics, Prometheus endpoint and status snapshot producer.
    /// </summary>
    public static IServiceCollection AddEdgeLamHosting(
        this IServiceCollection services,
        ILoggingBuilder logging,
        IConfigurationRoot configuration,
        EdgeLamSettings settings,
        SystemdEnvironment systemd)
    {
        var store = new SettingsStore(settings);
        services.AddSingleton(store);
        services.AddSingleton(configuration);
        services.AddSingleton(systemd);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Node));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Model));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Board));

        // Microsoft.Extensions.Hosting.Systemd: when the parent process is systemd, its notifier and its lifetime
        // (READY=1 once started, STOPPING=1 when stopping, SIGTERM stops); otherwise the console lifetime and a
        // notifier that sends nothing. STATUS, WATCHDOG=1 and RELOADING=1 are ours, through the same notifier.
        services.AddSystemd();
        services.TryAddSingleton<ISystemdNotifier, SilentSystemdNotifier>();
        services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true); // SystemdStatusService logs the start
        services.AddSingleton<ServiceStatus>();
        services.AddSingleton<HealthMonitor>();
        services.AddSingleton<IHealthCheck, FileFlagHealthCheck>();
        services.AddHostedService<SystemdStatusService>();
        services.AddHostedService<StopSignals>();
        services.AddHostedService<WatchdogService>();
        services.AddHostedService<DrainCoordinator>();
        services.AddSingleton<ReloadService>();
        services.AddHostedService(sp => sp.GetRequiredService<ReloadService>());

        services.AddSingleton(sp => new EdgeLamMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<MetricsCollector>();
        services.AddSingleton<StatusSnapshotProducer>();
        services.AddSingleton<PrometheusEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<PrometheusEndpoint>());

        // The longest drain a reload may set, plus time to disconnect, within the unit's TimeoutStopSec=30s.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownOptions.MaxDrainTimeout + TimeSpan.FromSeconds(3));

        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Trace); // JournalLoggerProvider applies Logging:LogLevel itself (reloadable)
        logging.AddProvider(new JournalLoggerProvider(store, systemd.JournalStream || systemd.IsSystemdService));
        return services;
    }
}
