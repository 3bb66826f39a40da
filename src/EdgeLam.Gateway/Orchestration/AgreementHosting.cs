using EdgeLam.Gateway.Hosting;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Orchestration;

/// <summary>Composes <see cref="AgreementService"/> for <c>edgelam run</c> (DaemonHost registers it with orchestration on).</summary>
internal static class AgreementHosting
{
    public static AgreementService Create(IServiceProvider services)
    {
        var node = services.GetRequiredService<NodeSettings>();
        var options = services.GetRequiredService<OrchestrationOptions>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var setup = AgreementSetup.Create(node, options);
        var mqtt = Connection(services.GetRequiredService<MqttClientOptions>(), setup.Node);
        var link = new AgreementLink(setup, MqttClient.Create(mqtt, loggers.CreateLogger<MqttClient>()), loggers.CreateLogger<AgreementLink>());
        var handle = services.GetRequiredService<NodeHandle>();
        return new AgreementService(
            setup,
            options,
            link,
            ct => LayoutsAsync(handle, services.GetRequiredService<CommittedLayout>(), ct),
            services.GetRequiredService<EdgeLamMetrics>(),
            services.GetRequiredService<TimeProvider>(),
            loggers.CreateLogger<AgreementService>());
    }

    /// <summary>The agreement's own connection: the node's broker and credentials, clean start, no last will.</summary>
    private static MqttClientOptions Connection(MqttClientOptions node, string id)
    {
        var clientId = "edgelam-agree-" + id;
        return new MqttClientOptions
        {
            Host = node.Host,
            Port = node.Port,
            Username = node.Username,
            Password = node.Password,
            Tls = node.Tls,
            KeepAlive = node.KeepAlive,
            ReconnectDelayMin = node.ReconnectDelayMin,
            ReconnectDelayMax = node.ReconnectDelayMax,
            ClientId = clientId.Length <= 64 ? clientId : clientId[..64],
            CleanStart = true,
            SessionExpiry = TimeSpan.Zero,
        };
    }

    /// <summary>
    /// The started node's layout host (<see cref="EdgeLam.Transport.Roles.RoleHost.Layouts"/>: an orchestrated node
    /// always has one), recording each commit for the node's status and capacity.
    /// </summary>
    private static async Task<ILayoutHost?> LayoutsAsync(NodeHandle handle, CommittedLayout committed, CancellationToken stopping)
    {
        var node = await handle.Started.WaitAsync(stopping).ConfigureAwait(false);
        return node.Layouts is { } layouts ? new RecordedLayoutHost(layouts, committed) : null;
    }
}
