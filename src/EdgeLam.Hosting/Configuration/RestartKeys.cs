using Microsoft.Extensions.Configuration;

namespace EdgeLam.Hosting.Configuration;

/// <summary>
/// The one table of configuration keys whose change takes effect only after a restart. An entry is a key
/// (<c>Node:Wire</c>) or a whole section (<c>Mqtt</c>: every key under it). Every other key is applied by SIGHUP:
/// the daemon's own sections through <see cref="SettingsStore.Changed"/>, the running stage's
/// <c>Node:StepTimeout</c>, <c>Node:MaxAttempts</c> and <c>Node:ResultTopK</c> as one swapped value.
/// </summary>
public static class RestartKeys
{
    public static IReadOnlyList<string> Table { get; } =
    [
        "Node:Name", "Node:Role", "Node:Site", "Node:Segments", "Node:Wire", "Node:ContextLimit", "Node:PlanEpoch",
        "Node:ProbeInterval", "Node:ProbeBytes",
        "Mqtt", "Model:Path", "Board:Name", "Onnx", "Sensors", "Sensing", "Memory", "Orchestration", "Offline",
    ];

    /// <summary>Every set value of <paramref name="configuration"/>, by key (case-insensitive, as configuration keys are).</summary>
    public static IReadOnlyDictionary<string, string> Snapshot(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null)
            {
                values[key] = value;
            }
        }

        return values;
    }

    /// <summary>The keys under the table's entries whose value differs between two snapshots (set, changed or removed), sorted.</summary>
    public static IReadOnlyList<string> Changed(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return
        [
            .. before.Keys.Union(after.Keys, StringComparer.OrdinalIgnoreCase)
                .Where(NeedsRestart)
                .Where(k => !string.Equals(before.GetValueOrDefault(k), after.GetValueOrDefault(k), StringComparison.Ordinal))
                .Order(StringComparer.OrdinalIgnoreCase),
        ];
    }

    /// <summary>True when <paramref name="key"/> is a table entry or lies under one.</summary>
    public static bool NeedsRestart(string key) =>
        Table.Any(entry => key.Equals(entry, StringComparison.OrdinalIgnoreCase)
            || (key.Length > entry.Length && key[entry.Length] == ':' && key.StartsWith(entry, StringComparison.OrdinalIgnoreCase)));
}
