using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests;

/// <summary>A test that needs the NativeAOT binary: skipped when it is missing, except under CI=true where it fails.</summary>
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute()
    {
        if (!File.Exists(TestPaths.AotBinary) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"NativeAOT binary {TestPaths.AotBinary} not published (./build.sh publish); CI=true makes this a failure";
        }
    }
}

/// <summary>As <see cref="AotFactAttribute"/> for theories.</summary>
public sealed class AotTheoryAttribute : TheoryAttribute
{
    public AotTheoryAttribute()
    {
        if (!File.Exists(TestPaths.AotBinary) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"NativeAOT binary {TestPaths.AotBinary} not published (./build.sh publish); CI=true makes this a failure";
        }
    }
}

/// <summary>A fake systemd: a bound Unix datagram socket collecting sd_notify messages in arrival order.</summary>
internal sealed class FakeNotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly BlockingCollection<string> _incoming = [];
    private readonly List<string> _seen = [];
    private readonly Thread _reader;

    public FakeNotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "fake-notify" };
        _reader.Start();
    }

    public string Path { get; }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var n = _socket.Receive(buffer);
                var message = Encoding.UTF8.GetString(buffer, 0, n);
                lock (_seen)
                {
                    _seen.Add(message);
                }

                _incoming.Add(message);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    /// <summary>Consumes messages until one matches; fails after <paramref name="timeout"/>.</summary>
    public string WaitFor(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_incoming.TryTake(out var message, left))
            {
                throw new Xunit.Sdk.XunitException($"no {what} within {timeout.TotalSeconds} s; received: [{string.Join(" | ", Seen)}]");
            }

            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Consumes messages until READY=1 and returns the service's STATUS at that moment: the STATUS line of the READY
    /// datagram, else of the last datagram before it (the library's lifetime sends READY=1 alone, just after our
    /// STATUS). Fails when READY=1 comes with no STATUS before it.
    /// </summary>
    public string WaitForReady(TimeSpan timeout, string what = "READY=1")
    {
        string? status = null;
        _ = WaitFor(m =>
        {
            var line = m.Split('\n').LastOrDefault(l => l.StartsWith("STATUS=", StringComparison.Ordinal));
            status = line ?? status;
            return m.StartsWith("READY=1", StringComparison.Ordinal);
        }, timeout, what);
        return status ?? throw new Xunit.Sdk.XunitException($"{what} without a STATUS before it: [{string.Join(" | ", Seen)}]");
    }

    /// <summary>Drops what arrived so far from the queue and returns it.</summary>
    public List<string> Drain()
    {
        var list = new List<string>();
        while (_incoming.TryTake(out var m))
        {
            list.Add(m);
        }

        return list;
    }

    public void Dispose()
    {
        _socket.Dispose();
        _incoming.CompleteAdding();
    }
}

/// <summary>Runs the published binary with a scratch configuration directory and captured output.</summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly int _id;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    public DaemonProcess(string configDir, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
        : this(TestPaths.AotBinary, configDir, environment, args, underSystemd: false)
    {
    }

    private DaemonProcess(string binary, string configDir, IReadOnlyDictionary<string, string>? environment, string[] args, bool underSystemd)
    {
        var arguments = args.Length == 0 ? ["run"] : args;
        ProcessStartInfo psi;
        if (underSystemd)
        {
            psi = SystemdParent.StartInfo(binary, arguments);
        }
        else
        {
            psi = new ProcessStartInfo(binary);
            foreach (var a in arguments)
            {
                psi.ArgumentList.Add(a);
            }
        }

        psi.RedirectStandardError = true;
        psi.RedirectStandardOutput = true;
        psi.UseShellExecute = false;

        foreach (var name in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "INVOCATION_ID" })
        {
            psi.Environment.Remove(name);
        }

        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("EDGELAM__", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        psi.Environment["EDGELAM_CONFIG_DIR"] = configDir;
        psi.Environment["ORT_DISABLE_TELEMETRY"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stdout)
                {
                    _stdout.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        _id = underSystemd ? SystemdParent.ChildOf(_process, TimeSpan.FromSeconds(10)) : _process.Id;
    }

    /// <summary>Runs the JIT build beside the test assembly (always built with the tests) instead of the NativeAOT binary.</summary>
    public static DaemonProcess Jit(string configDir, IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        new(Cli.EdgeLamProcess.JitBinary, configDir, environment, args, underSystemd: false);

    /// <summary>
    /// The NativeAOT binary as a systemd service: its parent is named <c>systemd</c> (<see cref="SystemdParent"/>),
    /// so Microsoft.Extensions.Hosting.Systemd's lifetime and notifier are active.
    /// </summary>
    public static DaemonProcess UnderSystemd(string configDir, IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        new(TestPaths.AotBinary, configDir, environment, args, underSystemd: true);

    /// <summary>As <see cref="UnderSystemd"/> with the JIT build.</summary>
    public static DaemonProcess JitUnderSystemd(string configDir, IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        new(Cli.EdgeLamProcess.JitBinary, configDir, environment, args, underSystemd: true);

    /// <summary>The daemon's process id (under a systemd-named parent, the child's, not the parent's).</summary>
    public int Id => _id;

    /// <summary>The exit code, or null while running.</summary>
    public int? ExitCodeIfExited => _process.HasExited ? _process.ExitCode : null;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            throw new Xunit.Sdk.XunitException($"edgelam did not exit within {timeout.TotalSeconds} s; stderr:\n{Stderr}");
        }

        _process.WaitForExit(); // flush redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
