namespace EdgeLam.Onnx.Interop.Native;

/// <summary><c>OrtSessionOptions</c>: built for one session by <see cref="OnnxRuntime"/>, disposed once the session exists (ORT copies it).</summary>
internal sealed unsafe class OrtSessionOptions : OrtHandle
{
    public OrtSessionOptions()
    {
        nint raw;
        OrtStatus.Check(OrtApi.CreateSessionOptions(&raw), "CreateSessionOptions");
        SetHandle(raw);
    }

    public void SetIntraOpThreads(int threads)
    {
        using var l = Lease();
        OrtStatus.Check(OrtApi.SetIntraOpNumThreads(l.Handle, threads), "SetIntraOpNumThreads");
    }

    public void SetInterOpThreads(int threads)
    {
        using var l = Lease();
        OrtStatus.Check(OrtApi.SetInterOpNumThreads(l.Handle, threads), "SetInterOpNumThreads");
    }

    public void SetGraphOptimizationLevel(GraphOptimizationLevel level)
    {
        using var l = Lease();
        OrtStatus.Check(OrtApi.SetSessionGraphOptimizationLevel(l.Handle, (int)level), "SetSessionGraphOptimizationLevel");
    }

    public void SetLogSeverity(OrtLogLevel level)
    {
        using var l = Lease();
        OrtStatus.Check(OrtApi.SetSessionLogSeverityLevel(l.Handle, (int)level), "SetSessionLogSeverityLevel");
    }

    /// <summary>Appends CUDA (default device 0 options).</summary>
    public void AppendCuda()
    {
        using var l = Lease();
        nint cuda;
        OrtStatus.Check(OrtApi.CreateCUDAProviderOptions(&cuda), "CreateCUDAProviderOptions");
        try
        {
            OrtStatus.Check(OrtApi.AppendExecutionProviderCuda(l.Handle, cuda), "SessionOptionsAppendExecutionProvider_CUDA_V2");
        }
        finally
        {
            OrtApi.ReleaseCUDAProviderOptions(cuda);
        }
    }

    /// <summary>Appends TensorRT (default options).</summary>
    public void AppendTensorRT()
    {
        using var l = Lease();
        nint trt;
        OrtStatus.Check(OrtApi.CreateTensorRTProviderOptions(&trt), "CreateTensorRTProviderOptions");
        try
        {
            OrtStatus.Check(OrtApi.AppendExecutionProviderTensorRT(l.Handle, trt), "SessionOptionsAppendExecutionProvider_TensorRT_V2");
        }
        finally
        {
            OrtApi.ReleaseTensorRTProviderOptions(trt);
        }
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseSessionOptions(handle);
        return true;
    }
}
