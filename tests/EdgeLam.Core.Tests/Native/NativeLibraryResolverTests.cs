using EdgeLam.Core.Native;
using EdgeLam.Testing;

namespace EdgeLam.Core.Tests.Native;

public sealed class NativeLibraryResolverTests
{
    private const string Missing = "libedgelam-test-absent.so.1";

    [Fact]
    public void Load_NothingFound_ListsEveryPlaceTried()
    {
        using var dir = new TempDirectory();
        var app = Directory.CreateDirectory(dir.Combine("a", "app")).FullName;
        var resolver = new NativeLibraryResolver(Missing, "thing") { BaseDirectory = app, RuntimeIdentifier = "linux-x64" };

        var e = Assert.Throws<NativeLibraryLoadException>(() => resolver.Load());

        Assert.Contains(Path.Combine(app, Missing), e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(app, "native", Missing), e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir.Path, "a", "native", "thing", "linux-x64", Missing), e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("/native", "thing", "linux-x64", Missing), e.Message, StringComparison.Ordinal);
        Assert.Contains("SystemLoader: " + Missing, e.Message, StringComparison.Ordinal);
        Assert.Equal(resolver.Candidates().Count, e.Attempts.Count);
        Assert.Equal(NativeLibrarySource.SystemLoader, e.Attempts[^1].Candidate.Source);
    }

    [Fact]
    public void Load_ConfiguredPathMissing_TriesOnlyThatPath()
    {
        using var dir = new TempDirectory();
        var configured = dir.Combine("custom", "libonnxruntime.so");
        var resolver = new NativeLibraryResolver(Missing, "thing") { ConfiguredPath = configured, BaseDirectory = dir.Path };

        var e = Assert.Throws<NativeLibraryLoadException>(() => resolver.Load());

        var attempt = Assert.Single(e.Attempts);
        Assert.Equal(NativeLibrarySource.Configured, attempt.Candidate.Source);
        Assert.Equal(configured, attempt.Candidate.PathOrName);
    }

    [Fact]
    public void Load_LibraryInRepositoryNativeFolder_IsFoundByWalkingUp()
    {
        using var dir = new TempDirectory();
        var app = Directory.CreateDirectory(dir.Combine("src", "bin", "Release")).FullName;
        var native = Directory.CreateDirectory(dir.Combine("native", "thing", "linux-x64")).FullName;
        File.Copy(ZlibPath(), Path.Combine(native, "libthing.so.1"));
        var resolver = new NativeLibraryResolver("libthing.so.1", "thing") { BaseDirectory = app, RuntimeIdentifier = "linux-x64" };

        var loaded = resolver.Load();

        Assert.Equal(NativeLibrarySource.Repository, loaded.Candidate.Source);
        Assert.Equal(Path.Combine(native, "libthing.so.1"), loaded.Candidate.PathOrName);
        Assert.NotEqual(0, loaded.Handle);
        Assert.Equal(Path.Combine(app, "libthing.so.1"), loaded.FailedAttempts[0].Candidate.PathOrName);
    }

    [Fact]
    public void Load_LibraryBesideExecutable_WinsOverRepository()
    {
        using var dir = new TempDirectory();
        var app = Directory.CreateDirectory(dir.Combine("dist")).FullName;
        File.Copy(ZlibPath(), Path.Combine(app, "libthing2.so.1"));
        var native = Directory.CreateDirectory(dir.Combine("native", "thing", "linux-x64")).FullName;
        File.Copy(ZlibPath(), Path.Combine(native, "libthing2.so.1"));
        var resolver = new NativeLibraryResolver("libthing2.so.1", "thing") { BaseDirectory = app, RuntimeIdentifier = "linux-x64" };

        var loaded = resolver.Load();

        Assert.Equal(NativeLibrarySource.BesideExecutable, loaded.Candidate.Source);
        Assert.Empty(loaded.FailedAttempts);
    }

    [Fact]
    public void Load_FileThatIsNotALibrary_ReportsTheLoaderError()
    {
        using var dir = new TempDirectory();
        var fake = dir.Combine("libfake.so");
        File.WriteAllText(fake, "not an ELF file");
        var resolver = new NativeLibraryResolver("libfake.so", "thing") { ConfiguredPath = fake };

        var e = Assert.Throws<NativeLibraryLoadException>(() => resolver.Load());

        Assert.NotEqual("not found", Assert.Single(e.Attempts).Failure);
    }

    [Fact]
    public void CurrentRuntimeIdentifier_OnThisMachine_IsLinuxX64()
    {
        Assert.Equal("linux-" + (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "x64"), NativeLibraryResolver.CurrentRuntimeIdentifier);
    }

    // A small real shared library that every Debian system has (zlib).
    private static string ZlibPath()
    {
        foreach (var p in new[] { "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib/aarch64-linux-gnu/libz.so.1" })
        {
            if (File.Exists(p))
            {
                return p;
            }
        }

        throw new FileNotFoundException("libz.so.1 not found");
    }
}
