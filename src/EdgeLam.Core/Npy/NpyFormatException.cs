namespace EdgeLam.Core.Npy;

/// <summary>An <c>.npy</c> stream that is malformed, truncated or uses a layout this reader does not support.</summary>
public sealed class NpyFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public NpyFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NpyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public NpyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
