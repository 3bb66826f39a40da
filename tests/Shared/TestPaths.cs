namespace EdgeLam.Testing;

/// <summary>Where tests find the repository, the shared models, the native libraries and the published binary.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The repository root (EDGELAM_REPO_ROOT, else the folder above the test binary holding the solution).</summary>
    public static string RepoRoot => Root.Value;

    /// <summary><c>../shared/models</c> beside the repository.</summary>
    public static string SharedModels => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "models"));

    /// <summary>The pinned ONNX Runtime library installed by <c>./build.sh setup</c> for this machine's architecture.</summary>
    public static string OnnxRuntimeLibrary => Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "microsoft.ml.onnxruntime", OnnxRuntimeVersion, "runtimes", "linux-x64", "native", "libonnxruntime.so");

    /// <summary>The ONNX Runtime package version the build pins (Directory.Packages.props).</summary>
    public const string OnnxRuntimeVersion = "1.32.0";

    /// <summary>The NativeAOT binary produced by <c>./build.sh publish</c> (EDGELAM_AOT_BINARY overrides).</summary>
    public static string AotBinary =>
        Environment.GetEnvironmentVariable("EDGELAM_AOT_BINARY") is { Length: > 0 } p
            ? p
            : Path.Combine(RepoRoot, "dist", "linux-x64", "edgelam");

    private static string FindRepoRoot()
    {
        if (Environment.GetEnvironmentVariable("EDGELAM_REPO_ROOT") is { Length: > 0 } env)
        {
            return Path.GetFullPath(env);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeLam.Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "edgelam-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
