using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Options;

/// <summary>Section <c>Metrics</c>: the Prometheus endpoint (loopback only) and the status summary. Reloadable.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";
    public const int DefaultPort = 9464;

    /// <summary>Serve <c>GET /metrics</c> on 127.0.0.1:<see cref="Port"/>.</summary>
    public bool Enabled { get; init; }

    public int Port { get; init; } = DefaultPort;

    /// <summary>How often the retained JSON status summary is published.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    public static MetricsOptions Bind(ConfigReader r) => new()
    {
        Enabled = r.Bool("Metrics:Enabled", false),
        Port = r.Int("Metrics:Port", DefaultPort, 1, 65535),
        StatusInterval = r.Duration("Metrics:StatusInterval", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
    };
}
