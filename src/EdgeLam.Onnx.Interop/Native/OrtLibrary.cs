using System.Runtime.InteropServices;
using EdgeLam.Core.Native;

namespace EdgeLam.Onnx.Interop.Native;

/// <summary>
/// Loads <c>libonnxruntime</c> once per process: telemetry off in the native environment, the library found by
/// <see cref="NativeLibraryResolver"/>, <c>OrtGetApiBase()</c> resolved with <see cref="NativeLibrary.GetExport"/>,
/// then <c>GetApi(<see cref="OrtApiVersion.Pinned"/>)</c>.
/// </summary>
internal static unsafe class OrtLibrary
{
    public const string FileName = "libonnxruntime.so.1";

    private static readonly Lock Gate = new();
    private static LoadedNativeLibrary? s_loaded;
    private static string s_version = string.Empty;

    /// <summary>The loaded library, or null before the first <see cref="EnsureLoaded"/>.</summary>
    public static LoadedNativeLibrary? Loaded => s_loaded;

    /// <summary>The version string the library reports (<c>OrtApiBase::GetVersionString</c>).</summary>
    public static string Version => s_version;

    /// <summary>Loads the library unless already loaded.</summary>
    /// <exception cref="NativeLibraryLoadException">Not found anywhere; lists the places tried.</exception>
    /// <exception cref="InvalidOperationException">Already loaded from a different configured path, or not an ONNX Runtime that offers the pinned API.</exception>
    public static LoadedNativeLibrary EnsureLoaded(string? configuredPath)
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

            // ORT reads this with getenv() when it starts; .NET's Environment copy is not what native code sees.
            NativeEnvironment.Set("ORT_DISABLE_TELEMETRY", "1");

            var resolver = new NativeLibraryResolver(FileName, "onnxruntime")
            {
                ConfiguredPath = configuredPath,
                SystemNames = [FileName, "libonnxruntime.so"],
            };
            var library = resolver.Load();
            var where = library.Candidate.PathOrName;
            if (!NativeLibrary.TryGetExport(library.Handle, "OrtGetApiBase", out var getApiBase))
            {
                NativeLibrary.Free(library.Handle);
                throw new InvalidOperationException(where + " is not ONNX Runtime: it does not export OrtGetApiBase.");
            }

            // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
            var apiBase = ((delegate* unmanaged<void**>)getApiBase)();
            var version = Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)apiBase[1])()) ?? "?";
            var api = ((delegate* unmanaged<uint, void*>)apiBase[0])(OrtApiVersion.Pinned);
            if (api == null)
            {
                throw new InvalidOperationException(
                    "ONNX Runtime " + version + " at " + where + " does not provide API version " + OrtApiVersion.Pinned + " (ONNX Runtime 1." + OrtApiVersion.Pinned + " or newer is required).");
            }

            OrtApi.Initialize(api);
            s_version = version;
            s_loaded = library;
            return library;
        }
    }
}
