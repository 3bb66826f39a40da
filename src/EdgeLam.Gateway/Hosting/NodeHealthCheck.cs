using EdgeLam.Hosting.Health;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Fails when the node's stage stopped serving on its own (its message loop faulted or ended while the daemon was
/// not stopping): watchdog pings stop and systemd restarts the service. A broker that is unreachable or a missing
/// model does not fail it — a restart cannot fix either; STATUS and the status summary show what the node waits for.
/// </summary>
internal sealed class NodeHealthCheck(NodeHandle handle) : IHealthCheck
{
    public string Name => "node";

    public HealthResult Check()
    {
        if (handle.Node is not { } node || handle.IsStopping || !node.Serving.IsCompleted)
        {
            return HealthResult.Healthy;
        }

        return HealthResult.Unhealthy(node.Serving.Exception is { } e
            ? "stage stopped serving: " + e.GetBaseException().Message
            : "stage stopped serving");
    }
}
