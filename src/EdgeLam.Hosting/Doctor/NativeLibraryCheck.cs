using System.Runtime.InteropServices;

namespace EdgeLam.Hosting.Doctor;

/// <summary>ONNX Runtime beside the executable, and libmosquitto.so.1 from the system.</summary>
public static class NativeLibraryCheck
{
    public const string OnnxRuntimeFile = "libonnxruntime.so";
    public const string ExpectedOnnxRuntimeVersion = "1.32.0";

    public static IEnumerable<DoctorFinding> OnnxRuntime(DoctorContext context)
    {
        const string check = "onnxruntime";
        var candidates = new List<string> { Path.Combine(context.ApplicationDirectory, OnnxRuntimeFile) };
        if (context.DevelopmentOnnxRuntimeDirectory is { } dev)
        {
            candidates.Add(Path.Combine(dev, RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64", OnnxRuntimeFile));
        }

        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            yield return DoctorFinding.Problem(check, $"{OnnxRuntimeFile} not found (looked in {string.Join(", ", candidates)})",
                "reinstall the edgelam package, or run ./build.sh setup in a checkout");
            yield break;
        }

        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            yield return DoctorFinding.Problem(check, $"{path} exists but cannot be loaded (wrong architecture or missing libc/libstdc++)",
                $"check `ldd {path}`; install the package built for {RuntimeInformation.ProcessArchitecture}");
            yield break;
        }

        NativeLibrary.Free(handle);
        // Until the ORT binding reports GetVersionString, the VERSION file written by ./build.sh setup is the source.
        var versionFile = new[] { Path.Combine(context.ApplicationDirectory, "onnxruntime.VERSION"), context.DevelopmentOnnxRuntimeDirectory is { } d ? Path.Combine(d, "VERSION") : null }
            .FirstOrDefault(f => f is not null && File.Exists(f));
        var version = versionFile is null ? null : File.ReadAllText(versionFile).Trim();
        if (version is null)
        {
            yield return DoctorFinding.Warning(check, $"{path} loads; its version is unknown (no VERSION file)", $"expected ONNX Runtime {ExpectedOnnxRuntimeVersion}; reinstall the package");
        }
        else if (version != ExpectedOnnxRuntimeVersion)
        {
            yield return DoctorFinding.Problem(check, $"{path} is version {version}, EdgeLam is built against {ExpectedOnnxRuntimeVersion}",
                "reinstall the edgelam package (it ships its own ONNX Runtime)");
        }
        else
        {
            yield return DoctorFinding.Ok(check, $"{path} loads, version {version}");
        }

        yield return DoctorFinding.Info("providers", "CPUExecutionProvider (the CPU build ships no other provider)");
    }

    public static IEnumerable<DoctorFinding> Mosquitto()
    {
        const string check = "libmosquitto";
        if (!NativeLibrary.TryLoad("libmosquitto.so.1", out var handle))
        {
            yield return DoctorFinding.Problem(check, "libmosquitto.so.1 cannot be loaded", "apt-get install libmosquitto1");
            yield break;
        }

        var version = MosquittoVersion(handle);
        NativeLibrary.Free(handle);
        yield return version is { Major: >= 2 }
            ? DoctorFinding.Ok(check, $"libmosquitto.so.1 loads, version {version}")
            : DoctorFinding.Problem(check, $"libmosquitto.so.1 is version {version?.ToString() ?? "unknown"}; EdgeLam needs 2.0 or later", "apt-get install libmosquitto1 (Debian 12 ships 2.0.11)");
    }

    private static unsafe Version? MosquittoVersion(nint handle)
    {
        // int mosquitto_lib_version(int *major, int *minor, int *revision)
        if (!NativeLibrary.TryGetExport(handle, "mosquitto_lib_version", out var export))
        {
            return null;
        }

        int major, minor, revision;
        ((delegate* unmanaged<int*, int*, int*, int>)export)(&major, &minor, &revision);
        return new Version(major, minor, revision);
    }
}
