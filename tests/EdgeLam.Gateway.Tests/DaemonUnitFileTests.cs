using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests;

/// <summary>systemd/edgelam.service: the directives the issue requires, and systemd-analyze when installed.</summary>
public sealed partial class DaemonUnitFileTests : IDisposable
{
    private static readonly string UnitPath = Path.Combine(TestPaths.RepoRoot, "systemd", "edgelam.service");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ILookup<string, string> Directives() => File.ReadAllLines(UnitPath)
        .Where(l => l.Length > 0 && l[0] is not ('#' or '[') && l.Contains('=', StringComparison.Ordinal))
        .ToLookup(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    [Fact]
    public void Unit_HasRequiredDirectives()
    {
        var d = Directives();

        Assert.Equal("notify", d["Type"].Single());
        Assert.Equal("edgelam", d["User"].Single());
        Assert.Equal("edgelam", d["StateDirectory"].Single());
        Assert.Equal("edgelam", d["ConfigurationDirectory"].Single());
        Assert.Equal("strict", d["ProtectSystem"].Single());
        Assert.Equal("yes", d["PrivateTmp"].Single());
        Assert.Equal("yes", d["NoNewPrivileges"].Single());
        Assert.Equal("", d["CapabilityBoundingSet"].Single());
        Assert.Equal(["char-i2c rw", "char-gpiochip rw"], d["DeviceAllow"]);
        Assert.Equal("closed", d["DevicePolicy"].Single());
        Assert.Equal("gpio i2c", d["SupplementaryGroups"].Single());
        Assert.Equal("on-failure", d["Restart"].Single());
        Assert.Equal("78", d["RestartPreventExitStatus"].Single());
        Assert.NotEmpty(d["WatchdogSec"]);
        Assert.Contains("ORT_DISABLE_TELEMETRY=1", d["Environment"].Single().Split(' '));
        Assert.Equal("/usr/lib/edgelam/edgelam run", d["ExecStart"].Single());
    }

    [Fact]
    public void Unit_StopTimeoutExceedsTheLongestAllowedDrain()
    {
        var stop = TimeSpan.FromSeconds(int.Parse(Directives()["TimeoutStopSec"].Single().TrimEnd('s'), CultureInfo.InvariantCulture));

        Assert.True(stop > EdgeLam.Hosting.Options.ShutdownOptions.MaxDrainTimeout);
    }

    [Fact]
    public void Sysusers_CreatesUserAndDeviceGroups()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "systemd", "edgelam.sysusers"))
            .Where(l => l.Length > 0 && l[0] != '#').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2))).ToList();

        Assert.Contains("u edgelam", lines);
        Assert.Contains("g gpio", lines);
        Assert.Contains("g i2c", lines);
    }

    private static string? Tool(string name) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    /// <summary>A copy of the unit whose ExecStart names an executable that exists here (verify checks it).</summary>
    private string UnitWithLocalExecutable()
    {
        var exe = _dir.Combine("edgelam");
        File.Copy("/bin/true", exe);
        var unit = _dir.Combine("edgelam.service");
        File.WriteAllText(unit, File.ReadAllText(UnitPath).Replace("ExecStart=/usr/lib/edgelam/edgelam", "ExecStart=" + exe, StringComparison.Ordinal));
        return unit;
    }

    [Fact]
    public void SystemdAnalyze_Verify_IsClean()
    {
        if (Tool("systemd-analyze") is not { } analyze)
        {
            return; // systemd not installed here: nothing to run (docs/operations.md)
        }

        var (code, output) = Run(analyze, "verify", UnitWithLocalExecutable());

        Assert.True(code == 0 && output.Trim().Length == 0, output);
    }

    [Fact]
    public void SystemdAnalyze_SecurityExposure_IsAtMostTwo()
    {
        if (Tool("systemd-analyze") is not { } analyze)
        {
            return;
        }

        var (code, output) = Run(analyze, "security", "--offline=true", "--no-pager", UnitWithLocalExecutable());

        Assert.True(code == 0, output);
        var score = double.Parse(ExposureRegex().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(score, 0, 2.0);
    }

    [GeneratedRegex(@"Overall exposure level for edgelam\.service: ([0-9.]+)")]
    private static partial Regex ExposureRegex();
}
