namespace EdgeLam.Mosquitto.Interop;

/// <summary>A libmosquitto call returned a <c>MOSQ_ERR_*</c> other than success.</summary>
public sealed class MosquittoException : Exception
{
    public MosquittoException()
    {
    }

    public MosquittoException(string message)
        : base(message)
    {
    }

    public MosquittoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MosquittoException(MosquittoError error, string operation, string message)
        : base($"{operation} failed: {message} ({error})")
    {
        Error = error;
        Operation = operation;
    }

    /// <summary>The libmosquitto error code.</summary>
    public MosquittoError Error { get; }

    /// <summary>The libmosquitto function that failed.</summary>
    public string Operation { get; } = string.Empty;
}
