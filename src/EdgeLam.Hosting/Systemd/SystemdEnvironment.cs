using System.Globalization;

namespace EdgeLam.Hosting.Systemd;

/// <summary>
/// What systemd told this process through its environment (sd_watchdog_enabled(3), systemd.exec(5)): the watchdog
/// timeout and whether logs go to the journal. Notifications themselves go through Microsoft.Extensions.Hosting.Systemd.
/// </summary>
public sealed class SystemdEnvironment
{
    public const string NotifySocketVariable = "NOTIFY_SOCKET";
    public const string WatchdogUsecVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";
    public const string JournalStreamVariable = "JOURNAL_STREAM";
    public const string InvocationIdVariable = "INVOCATION_ID";

    /// <summary>The watchdog timeout, when systemd expects pings from this process.</summary>
    public TimeSpan? WatchdogTimeout { get; init; }

    /// <summary>stdout/stderr are connected to the journal: log lines carry <c>&lt;N&gt;</c> priority prefixes.</summary>
    public bool JournalStream { get; init; }

    /// <summary>
    /// Started by systemd as a service (INVOCATION_ID or NOTIFY_SOCKET present): chooses the journal log format only.
    /// Whether notifications are sent is the library's decision (<c>SystemdHelpers.IsSystemdService</c>: the parent is systemd).
    /// </summary>
    public bool IsSystemdService { get; init; }

    /// <summary>Watchdog pings go out every half of the timeout (sd_watchdog_enabled(3) recommends half).</summary>
    public TimeSpan? WatchdogPingInterval => WatchdogTimeout / 2;

    public static SystemdEnvironment FromProcess() => From(Environment.GetEnvironmentVariable, Environment.ProcessId);

    /// <summary>Reads the variables through <paramref name="get"/>; WATCHDOG_PID, when set, must equal <paramref name="processId"/>.</summary>
    public static SystemdEnvironment From(Func<string, string?> get, int processId)
    {
        TimeSpan? watchdog = null;
        if (ulong.TryParse(get(WatchdogUsecVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0)
        {
            var pidText = get(WatchdogPidVariable);
            var forUs = string.IsNullOrEmpty(pidText) ||
                (int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid == processId);
            if (forUs)
            {
                watchdog = TimeSpan.FromMicroseconds(Math.Min(usec, (ulong)TimeSpan.MaxValue.TotalMicroseconds / 2));
            }
        }

        return new SystemdEnvironment
        {
            WatchdogTimeout = watchdog,
            JournalStream = !string.IsNullOrEmpty(get(JournalStreamVariable)),
            IsSystemdService = !string.IsNullOrEmpty(get(NotifySocketVariable)) || !string.IsNullOrEmpty(get(InvocationIdVariable)),
        };
    }
}
