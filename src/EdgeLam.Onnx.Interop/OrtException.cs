namespace EdgeLam.Onnx.Interop;

/// <summary>An ONNX Runtime call failed; carries ORT's error code and message.</summary>
public sealed class OrtException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OrtException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OrtException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public OrtException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an ORT status.</summary>
    public OrtException(OrtErrorCode errorCode, string ortMessage, string? context = null)
        : base((context is null ? string.Empty : context + ": ") + "[ONNX Runtime " + errorCode + "] " + ortMessage)
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage;
    }

    /// <summary>An error ONNX Runtime reported through the managed API (<paramref name="innerException"/>).</summary>
    public OrtException(OrtErrorCode errorCode, string ortMessage, string? context, Exception innerException)
        : base((context is null ? string.Empty : context + ": ") + "[ONNX Runtime " + errorCode + "] " + ortMessage, innerException)
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage;
    }

    /// <summary>ORT's error code.</summary>
    public OrtErrorCode ErrorCode { get; } = OrtErrorCode.Fail;

    /// <summary>ORT's message, unchanged.</summary>
    public string OrtMessage { get; } = string.Empty;
}
