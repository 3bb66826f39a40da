using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Hosting.Options;

/// <summary>Section <c>Shutdown</c>: how long in-flight work may take to finish or be handed back on SIGTERM.</summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keep below the unit's TimeoutStopSec= (30 s) minus the time to disconnect.</summary>
    public static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromSeconds(25);

    public static ShutdownOptions Bind(ConfigReader r) => new()
    {
        DrainTimeout = r.Duration("Shutdown:DrainTimeout", TimeSpan.FromSeconds(10), TimeSpan.Zero, MaxDrainTimeout),
    };
}
