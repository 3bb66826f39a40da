using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLam.Hosting.Systemd;

/// <summary>
/// The sd_notify(3) assignments EdgeLam sends itself. READY=1 and STOPPING=1 at start and stop come from
/// Microsoft.Extensions.Hosting.Systemd's lifetime; these are the ones it does not send.
/// </summary>
public static class NotifyMessages
{
    public const string Ready = "READY=1";
    public const string Watchdog = "WATCHDOG=1";

    /// <summary><c>STATUS=</c> with the text on one line.</summary>
    public static string Status(string text) => "STATUS=" + text.ReplaceLineEndings(" ");

    public static string ReadyWithStatus(string text) => Ready + "\n" + Status(text);

    /// <summary><c>RELOADING=1</c> with <c>MONOTONIC_USEC</c>, as Type=notify-reload expects.</summary>
    public static string Reloading() =>
        "RELOADING=1\nMONOTONIC_USEC=" + MonotonicMicroseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>CLOCK_MONOTONIC in microseconds (.NET's Stopwatch reads CLOCK_MONOTONIC on Linux).</summary>
    public static long MonotonicMicroseconds() =>
        (long)(Stopwatch.GetTimestamp() * (1_000_000.0 / Stopwatch.Frequency));

    /// <summary>
    /// Sends one datagram of newline-separated assignments through the library's notifier. Best effort, as in
    /// sd_notify(3): a notify socket that is gone (systemd restarting) is not an error of the service.
    /// </summary>
    public static void Send(this ISystemdNotifier notifier, string assignments)
    {
        if (!notifier.IsEnabled)
        {
            return;
        }

        try
        {
            notifier.Notify(new ServiceState(assignments));
        }
        catch (SocketException)
        {
        }
    }
}
