using System.Diagnostics;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli.Arm64;

/// <summary>systemd/build-deb.sh on the published linux-arm64 folder (what <c>./build.sh deb --rid linux-arm64</c> runs).</summary>
public sealed class Arm64PackageTests
{
    [Arm64Fact]
    public void Deb_FromLinuxArm64Publish_IsAnArm64PackageOfTheAarch64BinaryAndLibraries()
    {
        using var dir = new TempDirectory();

        var deb = Run("bash", Path.Combine(TestPaths.RepoRoot, "systemd", "build-deb.sh"), Arm64Binary.Directory, dir.Combine("out")).Split('\n')[^1];

        Assert.Equal("arm64", Run("dpkg-deb", "--field", deb, "Architecture"));
        Assert.EndsWith("_arm64.deb", deb, StringComparison.Ordinal);
        Run("dpkg-deb", "--extract", deb, dir.Combine("root"));
        var lib = dir.Combine("root", "usr", "lib", "edgelam");
        Assert.Equal(Arm64Binary.ElfMachineAarch64, Arm64Binary.ElfMachine(Path.Combine(lib, "edgelam")));
        var libraries = Directory.GetFiles(lib, "libonnxruntime*.so*");
        Assert.Contains(Path.Combine(lib, "libonnxruntime.so"), libraries);
        // The publish folder has it (Microsoft.ML.OnnxRuntime's linux-arm64 assets); ORT loads it for CUDA/TensorRT.
        Assert.True(File.Exists(Path.Combine(Arm64Binary.Directory, "libonnxruntime_providers_shared.so")));
        Assert.Contains(Path.Combine(lib, "libonnxruntime_providers_shared.so"), libraries);
        Assert.All(libraries, library => Assert.Equal(Arm64Binary.ElfMachineAarch64, Arm64Binary.ElfMachine(library)));
    }

    /// <summary>Runs a tool and returns its trimmed standard output; fails the test on a non-zero exit.</summary>
    private static string Run(string file, params string[] args)
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
        Assert.True(p.ExitCode == 0, file + " failed: " + stderr);
        return stdout.Result.Trim();
    }
}
