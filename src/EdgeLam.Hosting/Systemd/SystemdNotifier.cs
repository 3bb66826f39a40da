using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeLam.Hosting.Systemd;

/// <summary>Sends sd_notify(3) datagrams to NOTIFY_SOCKET. Does nothing when the variable is absent.</summary>
public interface ISystemdNotifier
{
    bool IsEnabled { get; }

    /// <summary>Sends one datagram of newline-separated assignments (<c>READY=1\nSTATUS=...</c>).</summary>
    void Notify(string assignments);
}

/// <summary>The datagram notifier (filesystem path or abstract <c>@name</c> socket), as Microsoft.Extensions.Hosting.Systemd does it.</summary>
public sealed class SystemdNotifier : ISystemdNotifier, IDisposable
{
    private readonly UnixDomainSocketEndPoint? _endpoint;
    private readonly Lock _gate = new();
    private Socket? _socket;

    public SystemdNotifier(string? notifySocket)
    {
        if (!string.IsNullOrEmpty(notifySocket))
        {
            // A leading '@' names a socket in the abstract namespace, written with a leading NUL on the wire.
            _endpoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        }
    }

    public bool IsEnabled => _endpoint is not null;

    public void Notify(string assignments)
    {
        if (_endpoint is null)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(assignments);
        lock (_gate)
        {
            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                _socket.SendTo(bytes, SocketFlags.None, _endpoint);
            }
            catch (SocketException)
            {
                // systemd gone or socket not there (yet): notifications are best effort, as in sd_notify(3).
                _socket?.Dispose();
                _socket = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }
}

/// <summary>The assignments EdgeLam sends.</summary>
public static class NotifyMessages
{
    public const string Ready = "READY=1";
    public const string Stopping = "STOPPING=1";
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
}
