namespace EdgeLam.Onnx.Interop.Native;

/// <summary>
/// Typed calls into the <c>OrtApi</c> function table through <c>delegate* unmanaged</c> pointers read at the slots in
/// <see cref="OrtApiIndex"/>. Raw: every opaque ORT object is an <see cref="nint"/>, every status-returning function
/// returns the <c>OrtStatus*</c> for <see cref="OrtStatus.Check"/>. Nothing here allocates managed memory.
/// </summary>
internal static unsafe class OrtApi
{
    private static void** s_table;

    public static bool IsInitialized => s_table != null;

    public static void Initialize(void* table) => s_table = (void**)table;

    private static void* Slot(int index)
    {
        var table = s_table;
        if (table == null)
        {
            throw new InvalidOperationException("ONNX Runtime is not loaded; create an OnnxRuntime first.");
        }

        return table[index];
    }

    // ---- status ----------------------------------------------------------------------------------
    public static int GetErrorCode(nint status) => ((delegate* unmanaged<nint, int>)Slot(OrtApiIndex.GetErrorCode))(status);

    public static byte* GetErrorMessage(nint status) => ((delegate* unmanaged<nint, byte*>)Slot(OrtApiIndex.GetErrorMessage))(status);

    public static void ReleaseStatus(nint status) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseStatus))(status);

    // ---- environment -----------------------------------------------------------------------------
    public static nint CreateEnv(int logLevel, byte* logId, nint* env) =>
        ((delegate* unmanaged<int, byte*, nint*, nint>)Slot(OrtApiIndex.CreateEnv))(logLevel, logId, env);

    public static nint DisableTelemetryEvents(nint env) => ((delegate* unmanaged<nint, nint>)Slot(OrtApiIndex.DisableTelemetryEvents))(env);

    public static void ReleaseEnv(nint env) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseEnv))(env);

    public static nint GetAvailableProviders(byte*** providers, int* count) =>
        ((delegate* unmanaged<byte***, int*, nint>)Slot(OrtApiIndex.GetAvailableProviders))(providers, count);

    public static nint ReleaseAvailableProviders(byte** providers, int count) =>
        ((delegate* unmanaged<byte**, int, nint>)Slot(OrtApiIndex.ReleaseAvailableProviders))(providers, count);

    // ---- session options -------------------------------------------------------------------------
    public static nint CreateSessionOptions(nint* options) => ((delegate* unmanaged<nint*, nint>)Slot(OrtApiIndex.CreateSessionOptions))(options);

    public static void ReleaseSessionOptions(nint options) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseSessionOptions))(options);

    public static nint SetSessionLogSeverityLevel(nint options, int level) =>
        ((delegate* unmanaged<nint, int, nint>)Slot(OrtApiIndex.SetSessionLogSeverityLevel))(options, level);

    public static nint SetSessionGraphOptimizationLevel(nint options, int level) =>
        ((delegate* unmanaged<nint, int, nint>)Slot(OrtApiIndex.SetSessionGraphOptimizationLevel))(options, level);

    public static nint SetIntraOpNumThreads(nint options, int threads) =>
        ((delegate* unmanaged<nint, int, nint>)Slot(OrtApiIndex.SetIntraOpNumThreads))(options, threads);

    public static nint SetInterOpNumThreads(nint options, int threads) =>
        ((delegate* unmanaged<nint, int, nint>)Slot(OrtApiIndex.SetInterOpNumThreads))(options, threads);

    public static nint CreateCUDAProviderOptions(nint* options) => ((delegate* unmanaged<nint*, nint>)Slot(OrtApiIndex.CreateCUDAProviderOptions))(options);

    public static void ReleaseCUDAProviderOptions(nint options) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseCUDAProviderOptions))(options);

    public static nint AppendExecutionProviderCuda(nint sessionOptions, nint cudaOptions) =>
        ((delegate* unmanaged<nint, nint, nint>)Slot(OrtApiIndex.SessionOptionsAppendExecutionProvider_CUDA_V2))(sessionOptions, cudaOptions);

    public static nint CreateTensorRTProviderOptions(nint* options) => ((delegate* unmanaged<nint*, nint>)Slot(OrtApiIndex.CreateTensorRTProviderOptions))(options);

    public static void ReleaseTensorRTProviderOptions(nint options) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseTensorRTProviderOptions))(options);

    public static nint AppendExecutionProviderTensorRT(nint sessionOptions, nint trtOptions) =>
        ((delegate* unmanaged<nint, nint, nint>)Slot(OrtApiIndex.SessionOptionsAppendExecutionProvider_TensorRT_V2))(sessionOptions, trtOptions);

    // ---- session ---------------------------------------------------------------------------------
    public static nint CreateSession(nint env, byte* modelPath, nint options, nint* session) =>
        ((delegate* unmanaged<nint, byte*, nint, nint*, nint>)Slot(OrtApiIndex.CreateSession))(env, modelPath, options, session);

    public static void ReleaseSession(nint session) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseSession))(session);

    public static nint Run(nint session, nint runOptions, byte** inputNames, nint* inputs, nuint inputCount, byte** outputNames, nuint outputCount, nint* outputs) =>
        ((delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)Slot(OrtApiIndex.Run))(
            session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    public static nint SessionGetInputCount(nint session, nuint* count) => ((delegate* unmanaged<nint, nuint*, nint>)Slot(OrtApiIndex.SessionGetInputCount))(session, count);

    public static nint SessionGetOutputCount(nint session, nuint* count) => ((delegate* unmanaged<nint, nuint*, nint>)Slot(OrtApiIndex.SessionGetOutputCount))(session, count);

    public static nint SessionGetInputName(nint session, nuint index, nint allocator, byte** name) =>
        ((delegate* unmanaged<nint, nuint, nint, byte**, nint>)Slot(OrtApiIndex.SessionGetInputName))(session, index, allocator, name);

    public static nint SessionGetOutputName(nint session, nuint index, nint allocator, byte** name) =>
        ((delegate* unmanaged<nint, nuint, nint, byte**, nint>)Slot(OrtApiIndex.SessionGetOutputName))(session, index, allocator, name);

    public static nint SessionGetInputTypeInfo(nint session, nuint index, nint* typeInfo) =>
        ((delegate* unmanaged<nint, nuint, nint*, nint>)Slot(OrtApiIndex.SessionGetInputTypeInfo))(session, index, typeInfo);

    public static nint SessionGetOutputTypeInfo(nint session, nuint index, nint* typeInfo) =>
        ((delegate* unmanaged<nint, nuint, nint*, nint>)Slot(OrtApiIndex.SessionGetOutputTypeInfo))(session, index, typeInfo);

    // ---- type info -------------------------------------------------------------------------------
    public static nint GetOnnxTypeFromTypeInfo(nint typeInfo, int* onnxType) =>
        ((delegate* unmanaged<nint, int*, nint>)Slot(OrtApiIndex.GetOnnxTypeFromTypeInfo))(typeInfo, onnxType);

    /// <summary>The returned tensor info belongs to <paramref name="typeInfo"/>: never release it.</summary>
    public static nint CastTypeInfoToTensorInfo(nint typeInfo, nint* tensorInfo) =>
        ((delegate* unmanaged<nint, nint*, nint>)Slot(OrtApiIndex.CastTypeInfoToTensorInfo))(typeInfo, tensorInfo);

    public static void ReleaseTypeInfo(nint typeInfo) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseTypeInfo))(typeInfo);

    public static nint GetTensorElementType(nint info, int* type) => ((delegate* unmanaged<nint, int*, nint>)Slot(OrtApiIndex.GetTensorElementType))(info, type);

    public static nint GetDimensionsCount(nint info, nuint* count) => ((delegate* unmanaged<nint, nuint*, nint>)Slot(OrtApiIndex.GetDimensionsCount))(info, count);

    public static nint GetDimensions(nint info, long* dims, nuint count) =>
        ((delegate* unmanaged<nint, long*, nuint, nint>)Slot(OrtApiIndex.GetDimensions))(info, dims, count);

    public static nint GetSymbolicDimensions(nint info, byte** names, nuint count) =>
        ((delegate* unmanaged<nint, byte**, nuint, nint>)Slot(OrtApiIndex.GetSymbolicDimensions))(info, names, count);

    public static nint GetTensorShapeElementCount(nint info, nuint* count) =>
        ((delegate* unmanaged<nint, nuint*, nint>)Slot(OrtApiIndex.GetTensorShapeElementCount))(info, count);

    public static void ReleaseTensorTypeAndShapeInfo(nint info) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseTensorTypeAndShapeInfo))(info);

    // ---- values ----------------------------------------------------------------------------------
    public static nint CreateTensorAsOrtValue(nint allocator, long* shape, nuint rank, int type, nint* value) =>
        ((delegate* unmanaged<nint, long*, nuint, int, nint*, nint>)Slot(OrtApiIndex.CreateTensorAsOrtValue))(allocator, shape, rank, type, value);

    public static nint CreateTensorWithDataAsOrtValue(nint memoryInfo, void* data, nuint byteLength, long* shape, nuint rank, int type, nint* value) =>
        ((delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)Slot(OrtApiIndex.CreateTensorWithDataAsOrtValue))(
            memoryInfo, data, byteLength, shape, rank, type, value);

    public static nint IsTensor(nint value, int* isTensor) => ((delegate* unmanaged<nint, int*, nint>)Slot(OrtApiIndex.IsTensor))(value, isTensor);

    public static nint GetValueType(nint value, int* onnxType) => ((delegate* unmanaged<nint, int*, nint>)Slot(OrtApiIndex.GetValueType))(value, onnxType);

    public static nint GetTensorMutableData(nint value, void** data) => ((delegate* unmanaged<nint, void**, nint>)Slot(OrtApiIndex.GetTensorMutableData))(value, data);

    public static nint GetTensorTypeAndShape(nint value, nint* info) => ((delegate* unmanaged<nint, nint*, nint>)Slot(OrtApiIndex.GetTensorTypeAndShape))(value, info);

    public static void ReleaseValue(nint value) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseValue))(value);

    // ---- memory ----------------------------------------------------------------------------------
    public static nint CreateCpuMemoryInfo(int allocatorType, int memType, nint* info) =>
        ((delegate* unmanaged<int, int, nint*, nint>)Slot(OrtApiIndex.CreateCpuMemoryInfo))(allocatorType, memType, info);

    public static void ReleaseMemoryInfo(nint info) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseMemoryInfo))(info);

    public static nint GetAllocatorWithDefaultOptions(nint* allocator) => ((delegate* unmanaged<nint*, nint>)Slot(OrtApiIndex.GetAllocatorWithDefaultOptions))(allocator);

    public static nint AllocatorFree(nint allocator, void* p) => ((delegate* unmanaged<nint, void*, nint>)Slot(OrtApiIndex.AllocatorFree))(allocator, p);

    // ---- run options -----------------------------------------------------------------------------
    public static nint CreateRunOptions(nint* options) => ((delegate* unmanaged<nint*, nint>)Slot(OrtApiIndex.CreateRunOptions))(options);

    public static void ReleaseRunOptions(nint options) => ((delegate* unmanaged<nint, void>)Slot(OrtApiIndex.ReleaseRunOptions))(options);

    public static nint RunOptionsSetTerminate(nint options) => ((delegate* unmanaged<nint, nint>)Slot(OrtApiIndex.RunOptionsSetTerminate))(options);

    public static nint RunOptionsUnsetTerminate(nint options) => ((delegate* unmanaged<nint, nint>)Slot(OrtApiIndex.RunOptionsUnsetTerminate))(options);
}
