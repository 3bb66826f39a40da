namespace EdgeLam.Onnx.Interop;

/// <summary>
/// Execution provider names. Configuration may use the short form (<c>CUDA</c>, <c>TensorRT</c>, <c>CPU</c>, any case)
/// or ORT's own name (<c>CUDAExecutionProvider</c>, ...); <see cref="Normalize"/> maps both to ORT's name.
/// </summary>
public static class ExecutionProvider
{
    /// <summary>ORT's CPU provider; always present and always the last fallback.</summary>
    public const string Cpu = "CPUExecutionProvider";

    /// <summary>ORT's CUDA provider.</summary>
    public const string Cuda = "CUDAExecutionProvider";

    /// <summary>ORT's TensorRT provider.</summary>
    public const string TensorRT = "TensorrtExecutionProvider";

    /// <summary>ORT's name for a configured name, or null when EdgeLam cannot request that provider.</summary>
    public static string? Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "CPU" or "CPUEXECUTIONPROVIDER" => Cpu,
            "CUDA" or "CUDAEXECUTIONPROVIDER" => Cuda,
            "TENSORRT" or "TRT" or "TENSORRTEXECUTIONPROVIDER" => TensorRT,
            _ => null,
        };
    }
}
