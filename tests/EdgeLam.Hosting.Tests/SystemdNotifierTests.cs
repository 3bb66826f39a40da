using System.Net.Sockets;
using System.Text;
using EdgeLam.Hosting.Systemd;
using EdgeLam.Testing;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeLam.Hosting.Tests;

/// <summary>
/// What EdgeLam sends through Microsoft.Extensions.Hosting.Systemd's notifier (<see cref="NotifyMessages.Send"/>).
/// The library's notifier reads NOTIFY_SOCKET when constructed; the tests of this class run one after another.
/// </summary>
public class SystemdNotifierTests
{
    private static string Receive(Socket socket)
    {
        socket.ReceiveTimeout = 5000;
        var buffer = new byte[4096];
        var n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static SystemdNotifier NotifierFor(string? notifySocket)
    {
        var before = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", notifySocket);
        try
        {
            return new SystemdNotifier();
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", before);
        }
    }

    [Fact]
    public void Send_PathSocket_DeliversOneDatagram()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("notify");
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(path));
        var notifier = NotifierFor(path);

        notifier.Send(NotifyMessages.ReadyWithStatus("waiting\nfor model"));

        Assert.True(notifier.IsEnabled);
        Assert.Equal("READY=1\nSTATUS=waiting for model", Receive(server));
    }

    [Fact]
    public void Send_AbstractSocket_UsesLeadingNul()
    {
        var name = "edgelam-test-" + Guid.NewGuid().ToString("N");
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint("\0" + name));
        var notifier = NotifierFor("@" + name);

        notifier.Send(NotifyMessages.Watchdog);

        Assert.Equal("WATCHDOG=1", Receive(server));
    }

    [Fact]
    public void Send_NoSocket_IsDisabledAndSilent()
    {
        var notifier = NotifierFor(null);

        notifier.Send(NotifyMessages.Ready);

        Assert.False(notifier.IsEnabled);
    }

    [Fact]
    public void Send_SocketGone_DoesNotThrow()
    {
        using var dir = new TempDirectory();
        var notifier = NotifierFor(dir.Combine("absent"));
        Assert.True(notifier.IsEnabled);
        Assert.ThrowsAny<SocketException>(() => notifier.Notify(ServiceState.Ready)); // the library's own call throws

        notifier.Send(NotifyMessages.Ready);
        notifier.Send(NotifyMessages.Watchdog);
    }

    [Fact]
    public void Reloading_CarriesMonotonicMicroseconds()
    {
        var before = NotifyMessages.MonotonicMicroseconds();
        var message = NotifyMessages.Reloading();
        var after = NotifyMessages.MonotonicMicroseconds();

        var lines = message.Split('\n');
        Assert.Equal("RELOADING=1", lines[0]);
        Assert.StartsWith("MONOTONIC_USEC=", lines[1], StringComparison.Ordinal);
        var usec = long.Parse(lines[1]["MONOTONIC_USEC=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(usec, before, after);
    }

    [Fact]
    public void MonotonicMicroseconds_MatchesClockMonotonicFromProcUptime()
    {
        // /proc/uptime is CLOCK_BOOTTIME in seconds; CLOCK_MONOTONIC differs only by time spent suspended,
        // so on a machine that has not suspended they agree to well within a second.
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var monotonic = NotifyMessages.MonotonicMicroseconds() / 1e6;

        Assert.InRange(monotonic, 0, uptime + 1);
    }
}

public class SystemdEnvironmentTests
{
    private static SystemdEnvironment From(int pid, params (string Key, string Value)[] vars) =>
        SystemdEnvironment.From(k => vars.FirstOrDefault(v => v.Key == k).Value, pid);

    [Fact]
    public void From_WatchdogUsec_PingsAtHalfTheTimeout()
    {
        var env = From(42, ("NOTIFY_SOCKET", "/run/x"), ("WATCHDOG_USEC", "30000000"));

        Assert.Equal(TimeSpan.FromSeconds(30), env.WatchdogTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), env.WatchdogPingInterval);
        Assert.True(env.IsSystemdService);
    }

    [Fact]
    public void From_WatchdogPidOfAnotherProcess_DisablesWatchdog()
    {
        Assert.Null(From(42, ("WATCHDOG_USEC", "1000000"), ("WATCHDOG_PID", "43")).WatchdogTimeout);
        Assert.NotNull(From(42, ("WATCHDOG_USEC", "1000000"), ("WATCHDOG_PID", "42")).WatchdogTimeout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("")]
    public void From_InvalidWatchdogUsec_DisablesWatchdog(string value) =>
        Assert.Null(From(1, ("WATCHDOG_USEC", value)).WatchdogTimeout);

    [Fact]
    public void From_JournalStreamAndInvocationId_AreDetected()
    {
        var env = From(1, ("JOURNAL_STREAM", "8:12345"), ("INVOCATION_ID", "abc"));

        Assert.True(env.JournalStream);
        Assert.True(env.IsSystemdService);
        Assert.False(From(1).IsSystemdService);
    }
}
