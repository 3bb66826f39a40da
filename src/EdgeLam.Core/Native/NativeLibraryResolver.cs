using System.Runtime.InteropServices;

namespace EdgeLam.Core.Native;

/// <summary>
/// Finds and loads a native library in a fixed order: the configured path (exclusive when set), else beside the
/// executable, else <c>native/&lt;library&gt;/&lt;rid&gt;/</c> in a folder above the executable (a repository
/// checkout), else the system loader. A failure names every place tried.
/// </summary>
public sealed class NativeLibraryResolver
{
    /// <summary>Creates a resolver for <paramref name="fileName"/> (e.g. <c>libonnxruntime.so.1</c>) kept under
    /// <c>native/<paramref name="repositoryFolder"/>/&lt;rid&gt;/</c> in the repository.</summary>
    public NativeLibraryResolver(string fileName, string repositoryFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(repositoryFolder);
        FileName = fileName;
        RepositoryFolder = repositoryFolder;
        SystemNames = [fileName];
    }

    /// <summary>The library file name.</summary>
    public string FileName { get; }

    /// <summary>The folder under <c>native/</c> in the repository.</summary>
    public string RepositoryFolder { get; }

    /// <summary>An explicit path from configuration. When set, no other place is tried.</summary>
    public string? ConfiguredPath { get; init; }

    /// <summary>The executable's folder (default <see cref="AppContext.BaseDirectory"/>).</summary>
    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>The runtime identifier of the repository subfolder (default: this process, e.g. <c>linux-x64</c>).</summary>
    public string RuntimeIdentifier { get; init; } = CurrentRuntimeIdentifier;

    /// <summary>Names handed to the system loader, in order (default: <see cref="FileName"/>).</summary>
    public IReadOnlyList<string> SystemNames { get; init; }

    /// <summary><c>linux-x64</c>, <c>linux-arm64</c>, ... for the running process.</summary>
    public static string CurrentRuntimeIdentifier
    {
        get
        {
            var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsWindows() ? "win" : "unknown";
            var arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                Architecture.X86 => "x86",
                var other => other.ToString().ToLowerInvariant(),
            };
            return os + "-" + arch;
        }
    }

    /// <summary>Every candidate in the order <see cref="Load"/> tries them.</summary>
    public IReadOnlyList<NativeLibraryCandidate> Candidates()
    {
        if (!string.IsNullOrWhiteSpace(ConfiguredPath))
        {
            return [new NativeLibraryCandidate(NativeLibrarySource.Configured, Path.GetFullPath(ConfiguredPath))];
        }

        var list = new List<NativeLibraryCandidate>();
        var baseDir = Path.GetFullPath(BaseDirectory);
        list.Add(new(NativeLibrarySource.BesideExecutable, Path.Combine(baseDir, FileName)));
        list.Add(new(NativeLibrarySource.BesideExecutable, Path.Combine(baseDir, "native", FileName)));
        // A NuGet package's native asset, where a build without a runtime identifier puts it.
        list.Add(new(NativeLibrarySource.BesideExecutable, Path.Combine(baseDir, "runtimes", RuntimeIdentifier, "native", FileName)));
        for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
        {
            list.Add(new(NativeLibrarySource.Repository, Path.Combine(dir.FullName, "native", RepositoryFolder, RuntimeIdentifier, FileName)));
        }

        foreach (var name in SystemNames)
        {
            list.Add(new(NativeLibrarySource.SystemLoader, name));
        }

        return list;
    }

    /// <summary>Loads the first candidate that exists and loads.</summary>
    /// <exception cref="NativeLibraryLoadException">No candidate loaded; the message lists each with its reason.</exception>
    public LoadedNativeLibrary Load()
    {
        var attempts = new List<NativeLibraryAttempt>();
        foreach (var candidate in Candidates())
        {
            if (candidate.Source != NativeLibrarySource.SystemLoader && !File.Exists(candidate.PathOrName))
            {
                attempts.Add(new(candidate, "not found"));
                continue;
            }

            try
            {
                var handle = NativeLibrary.Load(candidate.PathOrName);
                return new LoadedNativeLibrary(handle, candidate, attempts);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                attempts.Add(new(candidate, e.Message.ReplaceLineEndings(" ").Trim()));
            }
        }

        throw new NativeLibraryLoadException(FileName, attempts);
    }
}
