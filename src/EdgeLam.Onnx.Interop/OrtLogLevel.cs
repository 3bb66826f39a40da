namespace EdgeLam.Onnx.Interop;

/// <summary>ORT's <c>OrtLoggingLevel</c>: the least severe message ORT's own logger prints (to stderr/stdout).</summary>
public enum OrtLogLevel
{
    /// <summary>ORT_LOGGING_LEVEL_VERBOSE.</summary>
    Verbose = 0,

    /// <summary>ORT_LOGGING_LEVEL_INFO.</summary>
    Info = 1,

    /// <summary>ORT_LOGGING_LEVEL_WARNING.</summary>
    Warning = 2,

    /// <summary>ORT_LOGGING_LEVEL_ERROR.</summary>
    Error = 3,

    /// <summary>ORT_LOGGING_LEVEL_FATAL (the default: errors reach the caller as <see cref="OrtException"/>).</summary>
    Fatal = 4,
}
