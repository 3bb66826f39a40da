using EdgeLam.Hosting.Status;
using EdgeLam.Hosting.Systemd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLam.Hosting.Tests;

public class SystemdStatusServiceTests
{
    private static IHost Build(Action<IServiceCollection>? replace = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "edgelam-test" });
        var config = Settings.Config(("Metrics:Enabled", "false"));
        var settings = Settings.Valid(("Metrics:Enabled", "false"));
        builder.Services.AddEdgeLamHosting(builder.Logging, config, settings, SystemdEnvironment.From(_ => null, 1));
        replace?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public void AddEdgeLamHosting_ParentIsNotSystemd_ConsoleLifetimeAndSilentNotifier()
    {
        // The test host's parent is `dotnet test`, not systemd: the library leaves the console lifetime in place.
        Assert.False(SystemdHelpers.IsSystemdService());
        using var host = Build();

        Assert.IsType<SilentSystemdNotifier>(host.Services.GetRequiredService<ISystemdNotifier>());
        Assert.IsNotType<SystemdLifetime>(host.Services.GetRequiredService<IHostLifetime>());
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is SystemdStatusService);
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is StopSignals);
    }

    [Fact]
    public async Task Host_StartChangeStop_SendsStatusLines()
    {
        var notifier = new RecordingNotifier();
        using var host = Build(s => s.AddSingleton<ISystemdNotifier>(notifier));
        var status = host.Services.GetRequiredService<ServiceStatus>();
        status.Set("model", "waiting for a model");

        await host.StartAsync();
        status.Set("model", null);
        await host.StopAsync();

        Assert.Equal(["STATUS=waiting for a model", "STATUS=running", "STATUS=stopping"], notifier.Messages);
    }
}
