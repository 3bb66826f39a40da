using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Cli;

/// <summary>
/// The NativeAOT binary (<see cref="TestPaths.AotBinary"/>). CI (CI=true) sets EDGELAM_AOT_BINARY and its tests must run:
/// a missing binary then fails them. Locally, without EDGELAM_AOT_BINARY, they are skipped.
/// </summary>
internal static class AotBinary
{
    public static string? SkipReason =>
        Environment.GetEnvironmentVariable("EDGELAM_AOT_BINARY") is { Length: > 0 }
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : "EDGELAM_AOT_BINARY is not set (./build.sh test sets it after publishing)";

    /// <summary>The binary; fails the test when it does not exist.</summary>
    public static string Path
    {
        get
        {
            var path = TestPaths.AotBinary;
            Assert.True(File.Exists(path), "The NativeAOT binary " + path + " does not exist; run ./build.sh publish.");
            return path;
        }
    }
}

/// <summary>A fact that needs the NativeAOT binary.</summary>
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute()
    {
        Skip = AotBinary.SkipReason;
    }
}

/// <summary>A theory that needs the NativeAOT binary.</summary>
public sealed class AotTheoryAttribute : TheoryAttribute
{
    public AotTheoryAttribute()
    {
        Skip = AotBinary.SkipReason;
    }
}
