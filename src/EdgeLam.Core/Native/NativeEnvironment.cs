using System.ComponentModel;
using System.Runtime.InteropServices;

namespace EdgeLam.Core.Native;

/// <summary>
/// The process environment as native code sees it. .NET keeps its own copy of the environment on Unix, so
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> alone is invisible to a native library's
/// <c>getenv</c>; <see cref="Set"/> writes both.
/// </summary>
public static partial class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> in the native environment (libc <c>setenv</c>) and in .NET's copy.</summary>
    /// <remarks>Call before the native library that reads the variable is loaded and before threads of that library run.</remarks>
    /// <exception cref="ArgumentException">The name is empty or contains '=' or NUL, or the value contains NUL.</exception>
    /// <exception cref="Win32Exception"><c>setenv</c> failed (errno in the exception).</exception>
    public static void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An environment variable name cannot contain '=' or NUL: " + name, nameof(name));
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An environment variable value cannot contain NUL.", nameof(value));
        }

        if (!OperatingSystem.IsWindows())
        {
            if (LibC.SetEnv(name, value, 1) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new Win32Exception(errno, "setenv(" + name + ") failed with errno " + errno + ".");
            }
        }

        Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>Reads <paramref name="name"/> from the native environment (libc <c>getenv</c>); null when unset.</summary>
    public static string? Get(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : LibC.GetEnv(name);
    }

    private static partial class LibC
    {
        private const string Library = "libc.so.6";

        [LibraryImport(Library, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int SetEnv(string name, string value, int overwrite);

        // getenv returns a pointer into the environment: it must not be freed, so marshal it by hand.
        [LibraryImport(Library, EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
        private static partial nint GetEnvPointer(string name);

        internal static string? GetEnv(string name) => Marshal.PtrToStringUTF8(GetEnvPointer(name));
    }
}
