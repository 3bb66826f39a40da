namespace EdgeLam.Hosting.Health;

/// <summary>The pipeline's health: every registered <see cref="IHealthCheck"/> must pass.</summary>
public sealed class HealthMonitor
{
    private readonly IHealthCheck[] _checks;

    public HealthMonitor(IEnumerable<IHealthCheck> checks)
    {
        _checks = [.. checks];
    }

    /// <summary>Runs every check; a check that throws counts as unhealthy.</summary>
    public HealthReport Evaluate()
    {
        List<string>? failures = null;
        foreach (var check in _checks)
        {
            HealthResult result;
            try
            {
                result = check.Check();
            }
#pragma warning disable CA1031 // a broken check must make the service unhealthy, not crash the watchdog loop
            catch (Exception e)
#pragma warning restore CA1031
            {
                result = HealthResult.Unhealthy("check threw " + e.GetType().Name + ": " + e.Message);
            }

            if (!result.IsHealthy)
            {
                (failures ??= []).Add(check.Name + ": " + (result.Reason ?? "unhealthy"));
            }
        }

        return failures is null ? HealthReport.AllHealthy : new HealthReport(false, failures);
    }
}

public sealed record HealthReport(bool IsHealthy, IReadOnlyList<string> Failures)
{
    public static HealthReport AllHealthy { get; } = new(true, []);

    public string Describe() => IsHealthy ? "healthy" : "unhealthy: " + string.Join("; ", Failures);
}
