using System.Globalization;
using EdgeLam.Core.Configuration;

namespace EdgeLam.Gateway.Offline;

/// <summary>
/// The offline gateway (section <c>Offline</c>; docs/offline.md): while the broker is unreachable, sensor requests go
/// to a bounded on-disk queue and are delivered when it returns. Validated at start.
/// </summary>
public sealed class OfflineOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Offline";

    /// <summary>The folder under systemd's <c>$STATE_DIRECTORY</c> that holds the queue by default.</summary>
    public const string StateSubdirectory = "offline";

    /// <summary>Whether a gateway queues its sensor requests while the broker is unreachable (otherwise they fail).</summary>
    public bool Enabled { get; set; }

    /// <summary>The queue's folder (absolute); null: <c>$STATE_DIRECTORY/offline</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>Bytes of queued records at most; the oldest windows are dropped to make room.</summary>
    public long MaxBytes { get; set; } = 64L << 20;

    /// <summary>Queued windows at most; the oldest is dropped to make room.</summary>
    public int MaxWindows { get; set; } = 10_000;

    /// <summary>A window older than this is dropped instead of delivered.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Sends of a queued window that may fail while the broker is up before it is dropped.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Every problem, each naming its key, the value and what is allowed.</summary>
    public IReadOnlyList<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>();
        const string S = SectionName + ":";
        if (Enabled && string.IsNullOrEmpty(Directory))
        {
            problems.Add(new(S + "Directory", null, "must be set when $STATE_DIRECTORY is not (systemd's StateDirectory= sets it)"));
        }
        else if (Directory is { Length: > 0 } dir && !Path.IsPathFullyQualified(dir))
        {
            problems.Add(new(S + "Directory", dir, "must be an absolute path"));
        }

        if (MaxBytes is < 64 << 10 or > 1L << 40)
        {
            problems.Add(new(S + "MaxBytes", MaxBytes.ToString(CultureInfo.InvariantCulture), "must be from 65536 (64 KiB) to 1099511627776 (1 TiB)"));
        }

        if (MaxWindows is < 1 or > 10_000_000)
        {
            problems.Add(new(S + "MaxWindows", MaxWindows.ToString(CultureInfo.InvariantCulture), "must be from 1 to 10000000"));
        }

        if (Ttl < TimeSpan.FromSeconds(1) || Ttl > TimeSpan.FromDays(30))
        {
            problems.Add(new(S + "Ttl", Ttl.ToString("c", CultureInfo.InvariantCulture), "must be from 1s to 30 days"));
        }

        if (MaxAttempts is < 1 or > 1000)
        {
            problems.Add(new(S + "MaxAttempts", MaxAttempts.ToString(CultureInfo.InvariantCulture), "must be from 1 to 1000"));
        }

        return problems;
    }

    /// <summary>The default folder: the first path of <paramref name="stateDirectory"/> (systemd may list several, ':'-separated) plus <see cref="StateSubdirectory"/>.</summary>
    public static string? DefaultDirectory(string? stateDirectory) =>
        stateDirectory?.Split(':', StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? Path.Combine(first, StateSubdirectory) : null;
}
