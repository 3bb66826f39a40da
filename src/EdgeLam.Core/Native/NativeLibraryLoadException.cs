namespace EdgeLam.Core.Native;

/// <summary>A native library could not be loaded from any candidate; <see cref="Attempts"/> lists each place and why.</summary>
public sealed class NativeLibraryLoadException : DllNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public NativeLibraryLoadException()
    {
        Attempts = [];
    }

    /// <summary>Creates the exception with a message.</summary>
    public NativeLibraryLoadException(string message)
        : base(message)
    {
        Attempts = [];
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public NativeLibraryLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Attempts = [];
    }

    /// <summary>Creates the exception for a library and the attempts made.</summary>
    public NativeLibraryLoadException(string library, IReadOnlyList<NativeLibraryAttempt> attempts)
        : base(FormatMessage(library, attempts))
    {
        Attempts = attempts;
    }

    /// <summary>Every place tried, in order, with the reason it failed.</summary>
    public IReadOnlyList<NativeLibraryAttempt> Attempts { get; }

    private static string FormatMessage(string library, IReadOnlyList<NativeLibraryAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        return "Could not load " + library + ". Tried:" + Environment.NewLine
            + string.Join(Environment.NewLine, attempts.Select(a => "  - " + a))
            + Environment.NewLine + "Run ./build.sh setup, or set the library path in configuration.";
    }
}
