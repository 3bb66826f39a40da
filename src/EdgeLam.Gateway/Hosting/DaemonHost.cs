using EdgeLam.Core.Configuration;
using EdgeLam.Gateway.Orchestration;
using EdgeLam.Gateway.Sensing;
using EdgeLam.Hosting;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Health;
using EdgeLam.Hosting.Logging;
using EdgeLam.Hosting.Shutdown;
using EdgeLam.Hosting.Systemd;
using EdgeLam.Onnx.Interop;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Transport.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Hosting;

/// <summary>The composition root of <c>edgelam run</c>.</summary>
internal static class DaemonHost
{
    public static int Run(ConfigLayout layout)
    {
        var systemd = SystemdEnvironment.FromProcess();
        var journal = systemd.JournalStream || systemd.IsSystemdService;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "edgelam",
            ContentRootPath = AppContext.BaseDirectory,
        });

        var problems = EdgeLamConfiguration.AddLayers(builder.Configuration, layout);
        EdgeLamSettings? settings = null;
        if (problems.Count == 0)
        {
            settings = EdgeLamSettings.Bind(builder.Configuration, DaemonSections.Binders, out problems);
        }

        if (problems.Count == 0 && settings?.Section<NodeSettings>().Export is { } export && PerBlockModel.Prepare(export) is { } splitProblem)
        {
            problems = [splitProblem]; // an orchestrated node's export, split per block once (kept for the next start)
        }

        if (problems.Count > 0 || settings is null)
        {
            ReportConfigProblems(problems, journal);
            return ExitCodes.Config;
        }

        builder.Services.AddEdgeLamHosting(builder.Logging, builder.Configuration, settings, systemd);
        foreach (var binder in DaemonSections.Binders)
        {
            builder.Services.AddSingleton(binder); // SIGHUP binds these sections too
        }

        // Each section as bound (and validated) once above: the components take these.
        builder.Services.AddSingleton(settings.Section<NodeSettings>());
        builder.Services.AddSingleton(settings.Section<MqttClientOptions>());
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Section<OnnxRuntimeOptions>()));
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Section<SensorsOptions>()));
        builder.Services.AddSingleton(settings.Section<SensorRequestOptions>());
        builder.Services.AddSingleton(settings.Section<OrchestrationOptions>());
        builder.Services.AddSingleton(settings.Section<Offline.OfflineOptions>());
        var exit = new DaemonExit();
        builder.Services.AddSingleton(exit);

        // The node (gateway or peer stage). Request sources take NodeHandle: await Started, then GenerateAsync.
        builder.Services.AddSingleton<NodeHandle>();
        builder.Services.AddSingleton<CommittedLayout>(); // an orchestrated node's layout, from the agreement's commits
        builder.Services.AddSingleton<NodeStatusPublisher>();
        builder.Services.AddSingleton<StageLauncher>();
        builder.Services.AddHostedService<NodeReloadHandler>();
        builder.Services.AddSingleton<NodeService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeService>());
        builder.Services.AddSingleton<IDrainable>(sp => sp.GetRequiredService<NodeService>());
        builder.Services.AddSingleton<IHealthCheck, NodeHealthCheck>();

        // The gateway's request source: sensor windows → requests through NodeHandle (nothing on a peer).
        builder.Services.AddSingleton<SensingService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SensingService>());
        builder.Services.AddSingleton<IDrainable>(sp => sp.GetRequiredService<SensingService>());

        // The live agreement (Orchestration:Enabled): plans from measured capacity, two-phase re-split.
        if (settings.Section<OrchestrationOptions>().Enabled && settings.Section<NodeSettings>().Stage is not null)
        {
            builder.Services.AddHostedService(AgreementHosting.Create);
        }

        // The gateway's request source over MQTT: requests/{gateway} → requests through NodeHandle (nothing on a peer).
        builder.Services.AddSingleton<RequestService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RequestService>());
        builder.Services.AddSingleton<IDrainable>(sp => sp.GetRequiredService<RequestService>());

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeLam.Gateway");
        foreach (var section in EdgeLamSettings.UnknownSections(builder.Configuration))
        {
            DaemonLog.UnknownSection(logger, section);
        }

        try
        {
            host.Run();
            return exit.Code;
        }
#pragma warning disable CA1031 // last line of defence: log it and exit non-zero so systemd restarts the service
        catch (Exception e)
#pragma warning restore CA1031
        {
            DaemonLog.Failed(logger, e);
            return ExitCodes.Software;
        }
    }

    private static void ReportConfigProblems(IReadOnlyList<ConfigProblem> problems, bool journal)
    {
        var prefix = journal ? "<3>" : "";
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"{prefix}edgelam: configuration: {problem}");
        }

        Console.Error.WriteLine($"{prefix}edgelam: {problems.Count} configuration problem(s); not starting (exit 78)");
    }
}

internal static partial class DaemonLog
{
    [LoggerMessage(2000, LogLevel.Warning, "Configuration section {Section} is not used by any component (misspelt?)")]
    public static partial void UnknownSection(ILogger logger, string section);

    [LoggerMessage(2001, LogLevel.Critical, "EdgeLam failed")]
    public static partial void Failed(ILogger logger, Exception exception);
}
