using EdgeLam.Mosquitto.Interop.Native;

namespace EdgeLam.Mosquitto.Interop;

/// <summary><c>mosquitto_lib_init</c> once per process; <c>mosquitto_lib_cleanup</c> at process exit.</summary>
public static class MosquittoLibrary
{
    private static readonly Lock Gate = new();
    private static bool initialized;

    /// <summary>Initializes libmosquitto if not done yet (thread-safe, idempotent).</summary>
    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref initialized))
        {
            return;
        }

        lock (Gate)
        {
            if (initialized)
            {
                return;
            }

            MosquittoStatus.ThrowIfError(MosquittoNative.LibInit(), "mosquitto_lib_init");
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => MosquittoNative.LibCleanup();
            Volatile.Write(ref initialized, true);
        }
    }

    /// <summary>The loaded library's version, e.g. 2.0.11.</summary>
    public static Version Version
    {
        get
        {
            EnsureInitialized();
            MosquittoNative.LibVersion(out var major, out var minor, out var revision);
            return new Version(major, minor, revision);
        }
    }
}
