using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Status;
using Microsoft.Extensions.Hosting;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Posts what the node waits for until the pipeline takes over: with no <c>Model:Path</c> it waits for a model
/// assignment (the pipeline clears the "model" entry when it has loaded one).
/// </summary>
internal sealed class DaemonStatusService(SettingsStore settings, ServiceStatus status) : IHostedService
{
    public const string ModelComponent = "model";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Current.Model.Path is null)
        {
            status.Set(ModelComponent, "waiting for model assignment");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
