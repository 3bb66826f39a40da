namespace EdgeLam.Onnx.Interop.Native;

/// <summary>
/// Positions of the functions EdgeLam calls in ONNX Runtime's <c>struct OrtApi</c> — a table of function pointers that
/// only ever grows at the end, so a position never changes once released.
/// </summary>
/// <remarks>
/// Source: <c>native/onnxruntime/include/onnxruntime_c_api.h</c> of ONNX Runtime 1.30.0 (ORT_API_VERSION 29),
/// counting the members of <c>struct OrtApi</c> from 0 (each <c>ORT_API2_STATUS</c>, <c>ORT_API_T</c>,
/// <c>ORT_CLASS_RELEASE</c> or plain function pointer is one slot). The highest slot used,
/// <see cref="ReleaseCUDAProviderOptions"/>, is "\since Version 1.11", so <see cref="OrtApiVersion.Pinned"/> is 11.
/// The test <c>OrtApiIndexTests</c> re-counts the header and checks every constant here by name.
/// </remarks>
internal static class OrtApiIndex
{
    public const int GetErrorCode = 1;
    public const int GetErrorMessage = 2;
    public const int CreateEnv = 3;
    public const int DisableTelemetryEvents = 6;
    public const int CreateSession = 7;
    public const int Run = 9;
    public const int CreateSessionOptions = 10;
    public const int SetSessionLogSeverityLevel = 22;
    public const int SetSessionGraphOptimizationLevel = 23;
    public const int SetIntraOpNumThreads = 24;
    public const int SetInterOpNumThreads = 25;
    public const int SessionGetInputCount = 30;
    public const int SessionGetOutputCount = 31;
    public const int SessionGetInputTypeInfo = 33;
    public const int SessionGetOutputTypeInfo = 34;
    public const int SessionGetInputName = 36;
    public const int SessionGetOutputName = 37;
    public const int CreateRunOptions = 39;
    public const int RunOptionsSetTerminate = 46;
    public const int RunOptionsUnsetTerminate = 47;
    public const int CreateTensorAsOrtValue = 48;
    public const int CreateTensorWithDataAsOrtValue = 49;
    public const int IsTensor = 50;
    public const int GetTensorMutableData = 51;
    public const int CastTypeInfoToTensorInfo = 55;
    public const int GetOnnxTypeFromTypeInfo = 56;
    public const int GetTensorElementType = 60;
    public const int GetDimensionsCount = 61;
    public const int GetDimensions = 62;
    public const int GetSymbolicDimensions = 63;
    public const int GetTensorShapeElementCount = 64;
    public const int GetTensorTypeAndShape = 65;
    public const int GetValueType = 67;
    public const int CreateCpuMemoryInfo = 69;
    public const int AllocatorFree = 76;
    public const int GetAllocatorWithDefaultOptions = 78;
    public const int ReleaseEnv = 92;
    public const int ReleaseStatus = 93;
    public const int ReleaseMemoryInfo = 94;
    public const int ReleaseSession = 95;
    public const int ReleaseValue = 96;
    public const int ReleaseRunOptions = 97;
    public const int ReleaseTypeInfo = 98;
    public const int ReleaseTensorTypeAndShapeInfo = 99;
    public const int ReleaseSessionOptions = 100;
    public const int GetAvailableProviders = 125;
    public const int ReleaseAvailableProviders = 126;
    public const int SessionOptionsAppendExecutionProvider_TensorRT_V2 = 170;
    public const int CreateTensorRTProviderOptions = 171;
    public const int ReleaseTensorRTProviderOptions = 174;
    public const int SessionOptionsAppendExecutionProvider_CUDA_V2 = 204;
    public const int CreateCUDAProviderOptions = 205;
    public const int ReleaseCUDAProviderOptions = 208;
}

/// <summary>The OrtApi version requested from <c>OrtApiBase::GetApi</c>.</summary>
internal static class OrtApiVersion
{
    /// <summary>ORT 1.11's API: the lowest that has every slot in <see cref="OrtApiIndex"/>.</summary>
    public const uint Pinned = 11;
}
