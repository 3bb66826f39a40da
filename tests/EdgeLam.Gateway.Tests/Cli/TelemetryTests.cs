using System.Security.Cryptography;
using EdgeLam.Onnx.Interop.Tests;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

/// <summary>
/// ONNX Runtime writes telemetry under ~/.cache/Microsoft unless ORT_DISABLE_TELEMETRY=1 is in the native environment
/// when it loads. These run inference in a child process whose HOME and TMPDIR are fresh empty folders.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public void ModelRun_JitBuildWithEmptyHomeAndTmp_WritesNothingThereAndLoadsPinnedLibrary() =>
        AssertNoTelemetryAndPinnedLibrary(EdgeLamProcess.JitBinary);

    [AotFact]
    public void ModelRun_NativeAotWithEmptyHomeAndTmp_WritesNothingThereAndLoadsPinnedLibrary() =>
        AssertNoTelemetryAndPinnedLibrary(AotBinary.Path);

    private static void AssertNoTelemetryAndPinnedLibrary(string binary)
    {
        using var home = new TempDirectory("edgelam-home-");
        using var tmp = new TempDirectory("edgelam-tmp-");
        using var outputs = new TempDirectory("edgelam-out-");
        var caseDir = SharedCases.CaseDirectory("tiny-llama-fp16/prefill");

        var result = EdgeLamProcess.Run(
            binary,
            ["model", "run", SharedCases.ModelPath("tiny-llama-fp16/prefill"), "--inputs", Path.Combine(caseDir, "inputs"), "--outputs", outputs.Path],
            new Dictionary<string, string?>
            {
                ["HOME"] = home.Path,
                ["TMPDIR"] = tmp.Path,
                ["XDG_CACHE_HOME"] = null,
                ["ORT_DISABLE_TELEMETRY"] = null,
            });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(home.Path, "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories));

        // The CLI reports what it loaded: "ONNX Runtime <GetVersionString> (<path>)".
        var line = result.StandardOutput.Split('\n').Single(l => l.StartsWith("ONNX Runtime ", StringComparison.Ordinal));
        Assert.StartsWith("ONNX Runtime 1.32.0 (", line, StringComparison.Ordinal);
        var loaded = line[(line.IndexOf('(', StringComparison.Ordinal) + 1)..line.LastIndexOf(')')];
        Assert.Equal(Sha256(TestPaths.OnnxRuntimeLibrary), Sha256(loaded));
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
