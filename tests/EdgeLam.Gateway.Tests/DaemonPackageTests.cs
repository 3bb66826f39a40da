using System.Diagnostics;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests;

/// <summary>systemd/build-deb.sh on a placeholder publish folder (no NativeAOT needed).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DaemonPackageTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _deb;

    public DaemonPackageTests()
    {
        var dist = _dir.Combine("linux-x64");
        Directory.CreateDirectory(Path.Combine(dist, "boards"));
        File.WriteAllText(Path.Combine(dist, "edgelam"), "#!/bin/sh\necho placeholder\n");
        File.WriteAllText(Path.Combine(dist, "libonnxruntime.so"), "placeholder");
        File.WriteAllText(Path.Combine(dist, "libonnxruntime_providers_shared.so"), "providers placeholder");
        File.WriteAllText(Path.Combine(dist, "onnxruntime.VERSION"), "1.32.0\n");
        File.WriteAllText(Path.Combine(dist, "boards", "pi5.json"), "{}");
        var (code, stdout, stderr) = Run("bash", Path.Combine(TestPaths.RepoRoot, "systemd", "build-deb.sh"), dist, _dir.Combine("out"));
        Assert.True(code == 0, "build-deb.sh failed: " + stderr);
        _deb = stdout.Trim().Split('\n')[^1];
    }

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Stdout, string Stderr) Run(string file, params string[] args)
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
        return (p.ExitCode, stdout.Result, stderr);
    }

    /// <summary><c>dpkg-deb --contents</c> as path → (mode string, owner, link target).</summary>
    private Dictionary<string, (string Mode, string Owner, string? Link)> Contents()
    {
        var (code, stdout, stderr) = Run("dpkg-deb", "--contents", _deb);
        Assert.True(code == 0, stderr);
        var result = new Dictionary<string, (string, string, string?)>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // drwxr-xr-x root/root         0 2026-01-01 00:00 ./etc/ [-> target]
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = parts[5].TrimStart('.').TrimEnd('/');
            result[path.Length == 0 ? "/" : path] = (parts[0], parts[1], parts.Length > 7 ? parts[7] : null);
        }

        return result;
    }

    [Fact]
    public void Deb_Contents_HaveTheExpectedPathsModesAndOwners()
    {
        var contents = Contents();

        Assert.Equal("-rwxr-xr-x", contents["/usr/lib/edgelam/edgelam"].Mode);
        Assert.Equal("-rw-r--r--", contents["/usr/lib/edgelam/libonnxruntime.so"].Mode);
        Assert.Equal("-rw-r--r--", contents["/usr/lib/edgelam/libonnxruntime_providers_shared.so"].Mode);
        Assert.Equal("-rw-r--r--", contents["/usr/lib/edgelam/boards/pi5.json"].Mode);
        Assert.Equal(("lrwxrwxrwx", "../lib/edgelam/edgelam"), (contents["/usr/bin/edgelam"].Mode, contents["/usr/bin/edgelam"].Link));
        Assert.Equal("-rw-r--r--", contents["/etc/edgelam/edgelam.json"].Mode);
        Assert.Equal("drwxr-xr-x", contents["/etc/edgelam/conf.d"].Mode);
        Assert.Equal("-rw-r--r--", contents["/lib/systemd/system/edgelam.service"].Mode);
        Assert.Equal("-rw-r--r--", contents["/usr/lib/sysusers.d/edgelam.conf"].Mode);
        Assert.Equal("-rw-r--r--", contents["/usr/lib/tmpfiles.d/edgelam.conf"].Mode);
        Assert.Equal("-rw-r--r--", contents["/usr/lib/udev/rules.d/60-edgelam.rules"].Mode);
        Assert.All(contents.Values, v => Assert.Equal("root/root", v.Owner));
        // Nothing world-writable, nothing setuid.
        Assert.All(contents, kv => Assert.True(kv.Value.Mode[8] != 'w' || kv.Value.Mode[0] == 'l', kv.Key));
        Assert.All(contents, kv => Assert.DoesNotContain('s', kv.Value.Mode));
    }

    [Fact]
    public void Deb_Extracted_MatchesTheSourcesAndSymlinkResolves()
    {
        var root = _dir.Combine("root");
        var (code, _, stderr) = Run("dpkg", "-x", _deb, root);
        Assert.True(code == 0, stderr);

        var link = Path.Combine(root, "usr", "bin", "edgelam");
        Assert.Equal(Path.Combine(root, "usr", "lib", "edgelam", "edgelam"), new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "systemd", "edgelam.service")), File.ReadAllText(Path.Combine(root, "lib", "systemd", "system", "edgelam.service")));
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "systemd", "edgelam.json")), File.ReadAllText(Path.Combine(root, "etc", "edgelam", "edgelam.json")));
        Assert.Equal("1.32.0\n", File.ReadAllText(Path.Combine(root, "usr", "lib", "edgelam", "onnxruntime.VERSION")));
        Assert.Equal("providers placeholder", File.ReadAllText(Path.Combine(root, "usr", "lib", "edgelam", "libonnxruntime_providers_shared.so")));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(Path.Combine(root, "usr", "lib", "edgelam", "edgelam")));
    }

    [Fact]
    public void Deb_Control_DeclaresConffileAndMaintainerScriptsEnableNothing()
    {
        var control = _dir.Combine("control");
        var (code, _, stderr) = Run("dpkg-deb", "--control", _deb, control);
        Assert.True(code == 0, stderr);

        Assert.Equal("/etc/edgelam/edgelam.json", File.ReadAllText(Path.Combine(control, "conffiles")).Trim());
        var fields = File.ReadAllLines(Path.Combine(control, "control")).Where(l => l.Contains(": ", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 2)..]);
        Assert.Equal("edgelam", fields["Package"]);
        Assert.Equal("amd64", fields["Architecture"]);
        Assert.Contains("libmosquitto1", fields["Depends"], StringComparison.Ordinal);
        var postinst = File.ReadAllText(Path.Combine(control, "postinst"));
        Assert.Contains("systemd-sysusers /usr/lib/sysusers.d/edgelam.conf", postinst, StringComparison.Ordinal);
        Assert.Contains("adduser --system", postinst, StringComparison.Ordinal);
        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            var path = Path.Combine(control, script);
            // No command enables or starts the service (a hint inside an echo is fine).
            Assert.DoesNotMatch(@"(?m)^\s*(systemctl|deb-systemd-helper|deb-systemd-invoke)\s+(enable|start|restart)\b", File.ReadAllText(path));
            Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, script + " is not executable");
            Assert.Equal(0, Run("sh", "-n", path).Code); // parses as POSIX sh
        }
    }

    [Fact]
    public void BuildDeb_PublishWithoutProvidersShared_PackagesWithoutIt()
    {
        var dist = _dir.Combine("bare", "linux-x64");
        Directory.CreateDirectory(dist);
        File.WriteAllText(Path.Combine(dist, "edgelam"), "#!/bin/sh\necho placeholder\n");
        File.WriteAllText(Path.Combine(dist, "libonnxruntime.so"), "placeholder");

        var (code, stdout, stderr) = Run("bash", Path.Combine(TestPaths.RepoRoot, "systemd", "build-deb.sh"), dist, _dir.Combine("out3"));
        Assert.True(code == 0, "build-deb.sh failed: " + stderr);
        var (listed, contents, _) = Run("dpkg-deb", "--contents", stdout.Trim().Split('\n')[^1]);

        Assert.Equal(0, listed);
        Assert.Contains("./usr/lib/edgelam/libonnxruntime.so", contents, StringComparison.Ordinal);
        Assert.DoesNotContain("libonnxruntime_providers_shared.so", contents, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildDeb_MissingBinary_FailsWithMessage()
    {
        var empty = _dir.Combine("empty", "linux-x64");
        Directory.CreateDirectory(empty);

        var (code, _, stderr) = Run("bash", Path.Combine(TestPaths.RepoRoot, "systemd", "build-deb.sh"), empty, _dir.Combine("out2"));

        Assert.NotEqual(0, code);
        Assert.Contains("edgelam is missing", stderr, StringComparison.Ordinal);
    }
}
