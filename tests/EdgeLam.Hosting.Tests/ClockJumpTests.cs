using System.Text.RegularExpressions;
using EdgeLam.Hosting.Configuration;
using EdgeLam.Hosting.Health;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Hosting.Status;
using EdgeLam.Testing;

namespace EdgeLam.Hosting.Tests;

/// <summary>
/// Fault matrix, clock row: the wall clock may jump (NTP steps it, an operator sets it, a board without an RTC boots
/// in 1970). Durations — step timeouts, idle horizons, status and republish intervals, uptime — are measured on the
/// monotonic clock (<see cref="TimeProvider.GetTimestamp"/>, <see cref="System.Diagnostics.Stopwatch"/>); the wall
/// clock only stamps what a person or another node reads.
/// </summary>
public sealed partial class ClockJumpTests : IDisposable
{
    /// <summary>Files that read the wall clock directly, and why that is a timestamp and not a duration.</summary>
    private static readonly Dictionary<string, string> WallClockStamps = new(StringComparer.Ordinal)
    {
        ["src/EdgeLam.Transport/Roles/RoleClock.cs"] = "send and step-start stamps for the cross-node wire time (diagnostic, clamped at 0)",
        ["src/EdgeLam.Transport/Roles/RoleHost.cs"] = "the timestamp of a status message",
        ["src/EdgeLam.Hosting/Logging/JournalLoggerProvider.cs"] = "the time of day on a console log line",
        ["src/EdgeLam.Gateway/Cli/CertsCommands.cs"] = "certificate validity dates",
        ["src/EdgeLam.Gateway/Hosting/MqttSectionBinder.cs"] = "certificate expiry checked at start",
    };

    private readonly EdgeLamMetrics _metrics = new();
    private readonly MetricsCollector _collector;

    public ClockJumpTests()
    {
        _collector = new MetricsCollector(_metrics);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _metrics.Dispose();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(+1)]
    public void StatusSnapshot_WallClockJumpsADay_UptimeCountsOnlyTimePassedTimestampFollowsWallClock(int days)
    {
        var clock = new JumpingClock(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var producer = new StatusSnapshotProducer(
            _collector,
            _metrics,
            new SettingsStore(Settings.Valid(("Node:Name", "n1"), ("Node:Site", "lab"), ("Node:Role", "gateway"))),
            new ServiceStatus(),
            new HealthMonitor([]),
            clock);

        clock.Advance(TimeSpan.FromSeconds(5));
        clock.Jump(TimeSpan.FromDays(days));
        clock.Advance(TimeSpan.FromSeconds(2));
        var snapshot = producer.Create();

        Assert.Equal(7, snapshot.UptimeSeconds, 3);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 12, 0, 7, TimeSpan.Zero).AddDays(days), snapshot.Timestamp);
    }

    [Fact]
    public void Sources_ReadTheWallClockDirectly_OnlyToStampTimes()
    {
        var src = Path.Combine(TestPaths.RepoRoot, "src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(TestPaths.RepoRoot, f).Replace('\\', '/'), Text: File.ReadAllText(f)))
            .Where(f => WallClock().IsMatch(f.Text) && !WallClockStamps.ContainsKey(f.File))
            .Select(f => f.File)
            .ToList();

        Assert.True(offenders.Count == 0, "these files read DateTime(Offset).UtcNow/Now; measure durations with TimeProvider.GetTimestamp or Stopwatch (or add the file with its reason): " + string.Join(", ", offenders));
        Assert.All(WallClockStamps.Keys, f => Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, f)), f + " is listed but gone"));
    }

    [GeneratedRegex(@"\bDateTime(Offset)?\.(UtcNow|Now)\b")]
    private static partial Regex WallClock();
}
