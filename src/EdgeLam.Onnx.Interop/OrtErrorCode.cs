namespace EdgeLam.Onnx.Interop;

/// <summary>
/// ONNX Runtime's native <c>OrtErrorCode</c> (<c>onnxruntime_error_code.h</c> of ONNX Runtime 1.32.0, the header in the
/// <c>Microsoft.ML.OnnxRuntime</c> 1.32.0 package). The managed API's own <c>ErrorCode</c> enum is internal and older
/// (it ends at 12 and names 11 and 12 differently); <see cref="OrtErrors"/> maps its names onto these.
/// </summary>
public enum OrtErrorCode
{
    /// <summary>ORT_OK.</summary>
    Ok = 0,

    /// <summary>ORT_FAIL.</summary>
    Fail = 1,

    /// <summary>ORT_INVALID_ARGUMENT: wrong input name, type, rank or shape; bad option.</summary>
    InvalidArgument = 2,

    /// <summary>ORT_NO_SUCHFILE: the model or its external data file does not exist.</summary>
    NoSuchFile = 3,

    /// <summary>ORT_NO_MODEL.</summary>
    NoModel = 4,

    /// <summary>ORT_ENGINE_ERROR.</summary>
    EngineError = 5,

    /// <summary>ORT_RUNTIME_EXCEPTION: a kernel failed while running.</summary>
    RuntimeException = 6,

    /// <summary>ORT_INVALID_PROTOBUF: the model file is not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,

    /// <summary>ORT_MODEL_LOADED.</summary>
    ModelLoaded = 8,

    /// <summary>ORT_NOT_IMPLEMENTED: e.g. an operator or provider missing from this build.</summary>
    NotImplemented = 9,

    /// <summary>ORT_INVALID_GRAPH.</summary>
    InvalidGraph = 10,

    /// <summary>ORT_EP_FAIL: an execution provider failed.</summary>
    EpFail = 11,

    /// <summary>ORT_MODEL_LOAD_CANCELED.</summary>
    ModelLoadCanceled = 12,

    /// <summary>ORT_MODEL_REQUIRES_COMPILATION.</summary>
    ModelRequiresCompilation = 13,

    /// <summary>ORT_NOT_FOUND.</summary>
    NotFound = 14,

    /// <summary>ORT_DEVICE_RESET: the execution provider's device was reset; release the session and create a new one.</summary>
    DeviceReset = 15,
}
