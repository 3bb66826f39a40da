using System.Runtime.InteropServices;
using EdgeLam.Core.Native;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// The native bootstrap of the official managed API (<c>Microsoft.ML.OnnxRuntime</c>): once per process it sets
/// <c>ORT_DISABLE_TELEMETRY=1</c> in the native environment, loads <c>libonnxruntime.so</c> from the configured path or
/// the usual places (beside the executable, the package's <c>runtimes/&lt;rid&gt;/native</c>, the system loader), hands
/// that handle to the managed API through its DLL import resolver, and creates the ORT environment.
/// </summary>
internal static class OnnxRuntimeLibrary
{
    /// <summary>The file name in the NuGet package (and in NVIDIA's Jetson builds).</summary>
    public const string FileName = "libonnxruntime.so";

    /// <summary>The library name the managed API imports.</summary>
    private const string ImportName = "onnxruntime";

    private static readonly Lock Gate = new();
    private static LoadedNativeLibrary? s_loaded;
    private static string s_version = string.Empty;

    /// <summary>The version the loaded library reports (<c>GetVersionString</c>).</summary>
    public static string Version => s_version;

    /// <summary>Refuses to touch the managed API before <see cref="EnsureLoaded"/>: it would load a library by itself,
    /// without the telemetry switch.</summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime is not loaded yet.</exception>
    public static void ThrowIfNotLoaded()
    {
        if (Volatile.Read(ref s_loaded) is null)
        {
            throw new InvalidOperationException("ONNX Runtime is not loaded; create an OnnxRuntime first.");
        }
    }

    /// <summary>Loads the library and creates the ORT environment if that has not happened yet.</summary>
    /// <exception cref="NativeLibraryLoadException">The library was not found; the message lists every place tried.</exception>
    /// <exception cref="InvalidOperationException">Another library is already loaded, or the file is not a usable ONNX Runtime.</exception>
    public static LoadedNativeLibrary EnsureLoaded(string? configuredPath, OrtLogLevel logLevel)
    {
        lock (Gate)
        {
            if (s_loaded is { } loaded)
            {
                if (!string.IsNullOrWhiteSpace(configuredPath)
                    && !string.Equals(Path.GetFullPath(configuredPath), loaded.Candidate.PathOrName, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        "ONNX Runtime is already loaded from " + loaded.Candidate.PathOrName + "; a process can load only one, so " + configuredPath + " cannot be used.");
                }

                return loaded;
            }

            // ORT reads this with getenv() when the library starts; .NET's Environment copy is not what native code sees.
            NativeEnvironment.Set("ORT_DISABLE_TELEMETRY", "1");
            var resolver = new NativeLibraryResolver(FileName, "onnxruntime")
            {
                ConfiguredPath = configuredPath,
                SystemNames = [FileName, FileName + ".1"],
            };
            var library = resolver.Load();
            var where = library.Candidate.PathOrName;
            if (!NativeLibrary.TryGetExport(library.Handle, "OrtGetApiBase", out _))
            {
                NativeLibrary.Free(library.Handle);
                throw new InvalidOperationException(where + " is not ONNX Runtime: it does not export OrtGetApiBase.");
            }

            NativeLibrary.SetDllImportResolver(
                typeof(InferenceSession).Assembly,
                (name, _, _) => name == ImportName ? library.Handle : 0);
            try
            {
                var options = new EnvironmentCreationOptions { logId = "edgelam", logLevel = (OrtLoggingLevel)logLevel };
                var env = OrtEnv.CreateInstanceWithOptions(ref options);
                s_version = env.GetVersionString();
            }
            catch (Exception e) when (e is OnnxRuntimeException or TypeInitializationException or EntryPointNotFoundException)
            {
                throw new InvalidOperationException(
                    "ONNX Runtime at " + where + " cannot be used by the managed API " + typeof(InferenceSession).Assembly.GetName().Version + ": " + e.Message, e);
            }

            s_loaded = library;
            return library;
        }
    }
}
