using EdgeLam.Onnx.Interop.Tests;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

public sealed class LibraryResolutionTests
{
    [AotFact]
    public void ModelRun_NativeAotWithoutOnnxRuntimeNearby_FailsListingEveryPlaceTried()
    {
        using var dir = new TempDirectory();
        var exe = dir.Combine("edgelam");
        File.Copy(AotBinary.Path, exe);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var caseDir = SharedCases.CaseDirectory("bert-toy/full");

        var result = EdgeLamProcess.Run(
            exe,
            ["model", "run", SharedCases.ModelPath("bert-toy/full"), "--inputs", Path.Combine(caseDir, "inputs"), "--outputs", dir.Combine("out")],
            new Dictionary<string, string?> { ["LD_LIBRARY_PATH"] = null });

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(dir.Combine("libonnxruntime.so"), result.StandardError, StringComparison.Ordinal);
        Assert.Contains(dir.Combine("native", "libonnxruntime.so"), result.StandardError, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir.Path, "native", "onnxruntime", "linux-x64", "libonnxruntime.so"), result.StandardError, StringComparison.Ordinal);
        Assert.Contains("SystemLoader: libonnxruntime.so", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("out")));
    }

    [Fact]
    public void ModelRun_ConfiguredLibraryMissing_FailsNamingThePath()
    {
        using var dir = new TempDirectory();
        var caseDir = SharedCases.CaseDirectory("bert-toy/full");
        var missing = dir.Combine("libonnxruntime.so");

        var result = EdgeLamProcess.Run(
            EdgeLamProcess.JitBinary,
            ["model", "run", SharedCases.ModelPath("bert-toy/full"), "--inputs", Path.Combine(caseDir, "inputs"), "--outputs", dir.Combine("out"), "--onnxruntime", missing]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(missing, result.StandardError, StringComparison.Ordinal);
    }
}
