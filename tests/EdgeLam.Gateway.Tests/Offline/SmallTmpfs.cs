using System.Diagnostics;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Offline;

/// <summary>
/// A small tmpfs (<c>mount -t tmpfs -o size=…</c>) in a temporary folder, unmounted on dispose, with a filler file that
/// takes every free byte (<see cref="Fill"/>) until <see cref="Free"/> deletes it: a disk that is really full (ENOSPC).
/// Needs root on Linux; <see cref="TmpfsFactAttribute"/> skips the test otherwise.
/// </summary>
internal sealed class SmallTmpfs : IDisposable
{
    private readonly TempDirectory _dir = new("edgelam-tmpfs-");

    public SmallTmpfs(int kibibytes)
    {
        Path = _dir.Combine("fs");
        Directory.CreateDirectory(Path);
        if (Run("mount", "-t", "tmpfs", "-o", "size=" + kibibytes + "k", "tmpfs", Path) is { } error)
        {
            _dir.Dispose();
            throw new InvalidOperationException("mount tmpfs failed: " + error);
        }
    }

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can (a probe mount, tried once).</summary>
    public static string? SkipReason => Probe.Value;

    public string Path { get; }

    private static Lazy<string?> Probe { get; } = new(() =>
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return "needs root on Linux to mount a small tmpfs (a real full disk)";
        }

        try
        {
            new SmallTmpfs(64).Dispose();
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "cannot mount a tmpfs here: " + e.Message;
        }
    });

    private string FillerPath => System.IO.Path.Combine(Path, "filler");

    /// <summary>Writes the filler until the file system refuses (ENOSPC); the bytes it took.</summary>
    public long Fill()
    {
        var chunk = new byte[4096];
        using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            for (var i = 0; i < 1 << 20; i++)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException)
        {
            return filler.Length;
        }

        throw new InvalidOperationException("the tmpfs never filled");
    }

    /// <summary>Deletes the filler: the space comes back.</summary>
    public void Free() => File.Delete(FillerPath);

    public void Dispose()
    {
        _ = Run("umount", Path);
        _dir.Dispose();
    }

    private static string? Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : file + " exited " + process.ExitCode + ": " + error.Trim();
    }
}

/// <summary>A fact that needs a small tmpfs (<see cref="SmallTmpfs"/>): skipped, with the reason, where none can be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        Skip = SmallTmpfs.SkipReason;
    }
}
