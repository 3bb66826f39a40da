using System.Diagnostics;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

/// <summary>Runs an <c>edgelam</c> binary as a child process and captures its exit code and output.</summary>
internal static class EdgeLamProcess
{
    /// <summary>The JIT build's apphost: beside this test assembly, else src/EdgeLam.Gateway/bin/&lt;config&gt;/net10.0/edgelam.</summary>
    public static string JitBinary
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var beside = Path.Combine(AppContext.BaseDirectory, "edgelam");
            if (File.Exists(beside))
            {
                return beside;
            }

            return Path.Combine(TestPaths.RepoRoot, "src", "EdgeLam.Gateway", "bin", configuration, "net10.0", "edgelam");
        }
    }

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => "exit " + ExitCode + "\nstdout:\n" + StandardOutput + "\nstderr:\n" + StandardError;
    }

    /// <summary>Runs <paramref name="binary"/>; <paramref name="environment"/> entries with a null value are removed.</summary>
    public static Result Run(string binary, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Assert.True(File.Exists(binary), "edgelam binary not found: " + binary);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                start.Environment.Remove(k);
            }
            else
            {
                start.Environment[k] = v;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung child, not a speed assertion.
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail(binary + " did not exit within 5 minutes");
        }

        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
