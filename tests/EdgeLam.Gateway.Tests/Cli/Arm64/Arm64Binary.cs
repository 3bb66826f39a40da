using System.Buffers.Binary;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli.Arm64;

/// <summary>
/// The linux-arm64 NativeAOT binary that <c>./build.sh test</c> cross-publishes into dist/linux-arm64 and names in
/// EDGELAM_ARM64_BINARY; on an x86-64 host it runs under qemu-user through <c>tools/qemu-arm64.sh</c> (docs/arm64.md).
/// Without EDGELAM_ARM64_BINARY the tests are skipped. Tests that run the binary are also skipped, with the script's
/// reason, where <c>tools/qemu-arm64.sh --check</c> says it cannot run here (no qemu-user, no sysroot, neither root
/// nor user namespaces), except under CI (CI=true), where they must run and fail instead.
/// </summary>
internal static class Arm64Binary
{
    /// <summary>ELF e_machine of AArch64.</summary>
    public const ushort ElfMachineAarch64 = 183;

    private const string Variable = "EDGELAM_ARM64_BINARY";

    private static readonly Lazy<string?> RunnerProblem = new(CheckRunner);

    /// <summary>Why the binary cannot be checked here, or null.</summary>
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }
            ? null
            : Variable + " is not set (./build.sh test sets it after publishing linux-arm64)";

    /// <summary>Why the binary cannot be run here, or null.</summary>
    public static string? RunSkipReason =>
        SkipReason ?? (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? null : RunnerProblem.Value);

    /// <summary>The binary; fails the test when it does not exist.</summary>
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(Variable)!;
            Assert.True(File.Exists(path), "The linux-arm64 binary " + path + " does not exist; run ./build.sh publish --rid linux-arm64.");
            return path;
        }
    }

    /// <summary>The folder the binary was published into (dist/linux-arm64).</summary>
    public static string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    /// <summary>tools/qemu-arm64.sh, which runs an aarch64 program here (directly on an arm64 host).</summary>
    public static string Runner => System.IO.Path.Combine(TestPaths.RepoRoot, "tools", "qemu-arm64.sh");

    /// <summary>The e_machine field of the ELF file at <paramref name="path"/>.</summary>
    public static ushort ElfMachine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using (var file = File.OpenRead(path))
        {
            file.ReadExactly(header);
        }

        Assert.True(header[..4].SequenceEqual("\u007fELF"u8), path + " is not an ELF file");
        return BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
    }

    /// <summary>Runs the binary with <paramref name="arguments"/> through <see cref="Runner"/>.</summary>
    public static EdgeLamProcess.Result Run(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        EdgeLamProcess.Run(Runner, [Path, .. arguments], environment);

    private static string? CheckRunner()
    {
        if (!File.Exists(Runner))
        {
            return Runner + " not found";
        }

        var check = EdgeLamProcess.Run(Runner, ["--check"]);
        return check.ExitCode == 0 ? null : check.StandardError.Trim();
    }
}

/// <summary>A fact about the published linux-arm64 folder (no need to run it).</summary>
public sealed class Arm64FactAttribute : FactAttribute
{
    public Arm64FactAttribute()
    {
        Skip = Arm64Binary.SkipReason;
    }
}

/// <summary>A fact that runs the linux-arm64 binary.</summary>
public sealed class Arm64RunFactAttribute : FactAttribute
{
    public Arm64RunFactAttribute()
    {
        Skip = Arm64Binary.RunSkipReason;
    }
}

/// <summary>A theory that runs the linux-arm64 binary.</summary>
public sealed class Arm64RunTheoryAttribute : TheoryAttribute
{
    public Arm64RunTheoryAttribute()
    {
        Skip = Arm64Binary.RunSkipReason;
    }
}
