using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests;

/// <summary>
/// The published NativeAOT binary under a fake systemd: a parent process named <c>systemd</c> (which is what makes
/// Microsoft.Extensions.Hosting.Systemd active) and a notify socket (NOTIFY_SOCKET, WATCHDOG_USEC).
/// </summary>
public sealed class DaemonLifecycleTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();
    private readonly FakeNotifySocket _systemd;

    public DaemonLifecycleTests()
    {
        Directory.CreateDirectory(ConfigDir);
        _systemd = new FakeNotifySocket(_dir.Combine("notify"));
    }

    private string ConfigDir => _dir.Combine("etc");

    public void Dispose()
    {
        _systemd.Dispose();
        _dir.Dispose();
    }

    private Dictionary<string, string> SystemdVariables(int watchdogUsec) => new()
    {
        ["NOTIFY_SOCKET"] = _systemd.Path,
        ["WATCHDOG_USEC"] = watchdogUsec.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private DaemonProcess Start(int watchdogUsec) => DaemonProcess.UnderSystemd(ConfigDir, SystemdVariables(watchdogUsec));

    [AotFact]
    public void Run_NoConfiguration_ReadyWatchdogStoppingAndExitZero()
    {
        using var daemon = Start(400_000);

        var ready = _systemd.WaitForReady(Patience);
        Assert.Contains("STATUS=waiting for a model: set Model:Path", ready, StringComparison.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            _systemd.WaitFor(m => m == "WATCHDOG=1", Patience, $"WATCHDOG=1 #{i + 1} after READY");
        }

        daemon.Signal("TERM");

        _systemd.WaitFor(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), Patience, "STOPPING=1");
        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.Contains("Received SIGTERM", daemon.Stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Run_Sigint_StopsGracefullyUnderSystemdToo()
    {
        using var daemon = Start(2_000_000);
        _systemd.WaitForReady(Patience);

        daemon.Signal("INT"); // the library's lifetime handles SIGTERM only; StopSignals keeps SIGINT graceful

        _systemd.WaitFor(m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), Patience, "STOPPING=1");
        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.Contains("Received SIGINT", daemon.Stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public void Run_ParentNotSystemd_NotifiesNothingAndStillStopsOnSigterm()
    {
        // NOTIFY_SOCKET and WATCHDOG_USEC alone do not make a systemd service: the parent (this test host) is not systemd.
        using var daemon = new DaemonProcess(ConfigDir, SystemdVariables(200_000));
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!daemon.Stderr.Contains("EdgeLam started", StringComparison.Ordinal) && started.Elapsed < Patience)
        {
            Thread.Sleep(20);
        }

        Assert.Contains("EdgeLam started", daemon.Stderr, StringComparison.Ordinal);
        Thread.Sleep(500); // five watchdog periods
        daemon.Signal("TERM");

        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.Contains("Received SIGTERM", daemon.Stderr, StringComparison.Ordinal);
        Assert.Empty(_systemd.Seen);
    }

    [AotFact]
    public void Run_HealthCheckFails_WatchdogPingsStopUntilHealthy()
    {
        var flag = _dir.Combine("fail-health");
        File.WriteAllText(Path.Combine(ConfigDir, "edgelam.json"), $$"""{ "Diagnostics": { "FailHealthFile": "{{flag}}" } }""");
        using var daemon = Start(200_000); // a ping every 100 ms while healthy
        _systemd.WaitFor(m => m.StartsWith("READY=1", StringComparison.Ordinal), Patience, "READY=1");
        _systemd.WaitFor(m => m == "WATCHDOG=1", Patience, "WATCHDOG=1 while healthy");

        File.WriteAllText(flag, "");
        _systemd.WaitFor(m => m.StartsWith("STATUS=unhealthy", StringComparison.Ordinal), Patience, "STATUS=unhealthy");
        Thread.Sleep(1000); // ten ping periods
        var whileUnhealthy = _systemd.Drain();
        Assert.DoesNotContain("WATCHDOG=1", whileUnhealthy);

        File.Delete(flag);
        _systemd.WaitFor(m => m == "WATCHDOG=1", Patience, "WATCHDOG=1 after recovery");
        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.Contains("watchdog pings suspended", daemon.Stderr, StringComparison.Ordinal);
    }

    [AotFact]
    public async Task Run_Sighup_ReloadsMetricsEndpointWithReloadingThenReady()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var config = Path.Combine(ConfigDir, "edgelam.json");
        File.WriteAllText(config, $$"""{ "Metrics": { "Enabled": false, "Port": {{port}} } }""");
        using var daemon = Start(2_000_000);
        _systemd.WaitFor(m => m.StartsWith("READY=1", StringComparison.Ordinal), Patience, "READY=1");

        File.WriteAllText(config, $$"""{ "Metrics": { "Enabled": true, "Port": {{port}} } }""");
        daemon.Signal("HUP");

        var reloading = _systemd.WaitFor(m => m.StartsWith("RELOADING=1", StringComparison.Ordinal), Patience, "RELOADING=1");
        Assert.Matches("^RELOADING=1\nMONOTONIC_USEC=[0-9]+$", reloading);
        _systemd.WaitFor(m => m.StartsWith("READY=1", StringComparison.Ordinal), Patience, "READY=1 after reload");
        var response = await GetAsync(port, "/metrics");
        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.Contains("# TYPE edgelam_frames_total counter", response, StringComparison.Ordinal);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }

    private static async Task<string> GetAsync(int port, string path)
    {
        // The endpoint starts asynchronously after READY; retry the connect briefly.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"));
                using var reader = new StreamReader(stream);
                return await reader.ReadToEndAsync();
            }
            catch (SocketException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
