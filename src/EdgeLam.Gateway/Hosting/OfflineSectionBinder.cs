using System.Globalization;
using EdgeLam.Gateway.Offline;
using EdgeLam.Hosting.Configuration;

namespace EdgeLam.Gateway.Hosting;

/// <summary>
/// Binds section <c>Offline</c> (the offline gateway: docs/offline.md) into <see cref="OfflineOptions"/>; the queue's
/// folder defaults to <c>$STATE_DIRECTORY/offline</c> (systemd's <c>StateDirectory=edgelam</c>). Malformed values are
/// reported by the reader with their key, the rest by the options' own validator.
/// </summary>
internal sealed class OfflineSectionBinder : IConfigSectionBinder
{
    private const string S = OfflineOptions.SectionName + ":";

    public string Section => OfflineOptions.SectionName;

    public object Bind(ConfigReader reader, EdgeLamSettings settings) => Bind(reader, Environment.GetEnvironmentVariable("STATE_DIRECTORY"));

    /// <summary>Binds the section with <paramref name="stateDirectory"/> as systemd's <c>$STATE_DIRECTORY</c>.</summary>
    public static OfflineOptions Bind(ConfigReader r, string? stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(r);
        var d = new OfflineOptions();
        var options = new OfflineOptions
        {
            Enabled = r.Bool(S + "Enabled", d.Enabled),
            Directory = r.String(S + "Directory") ?? OfflineOptions.DefaultDirectory(stateDirectory),
            MaxBytes = Bytes(r, S + "MaxBytes", d.MaxBytes),
            MaxWindows = r.Int(S + "MaxWindows", d.MaxWindows, 1, 10_000_000),
            Ttl = r.Duration(S + "Ttl", d.Ttl, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)),
            MaxAttempts = r.Int(S + "MaxAttempts", d.MaxAttempts, 1, 1000),
        };
        foreach (var problem in options.Validate())
        {
            if (r.Problems.All(p => p.Key != problem.Key))
            {
                r.Problem(problem);
            }
        }

        return options;
    }

    /// <summary>A whole number of bytes (the range is the validator's).</summary>
    private static long Bytes(ConfigReader r, string key, long defaultValue)
    {
        if (r.String(key) is not { } text)
        {
            return defaultValue;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        r.Problem(key, text, "must be a whole number of bytes");
        return defaultValue;
    }
}
