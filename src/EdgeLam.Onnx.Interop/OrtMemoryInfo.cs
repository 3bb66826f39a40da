using EdgeLam.Onnx.Interop.Native;

namespace EdgeLam.Onnx.Interop;

/// <summary>Where a tensor's memory lives (<c>OrtMemoryInfo</c>). EdgeLam only uses CPU memory.</summary>
internal sealed unsafe class OrtMemoryInfo : OrtHandle
{
    private static readonly Lazy<OrtMemoryInfo> CpuInstance = new(CreateCpu, LazyThreadSafetyMode.ExecutionAndPublication);

    private OrtMemoryInfo()
    {
    }

    /// <summary>CPU memory, default memory type (process-wide; never dispose it).</summary>
    public static OrtMemoryInfo Cpu => CpuInstance.Value;

    private static OrtMemoryInfo CreateCpu()
    {
        var info = new OrtMemoryInfo();
        nint raw;
        // OrtDeviceAllocator = 0, OrtMemTypeDefault = 0
        OrtStatus.Check(OrtApi.CreateCpuMemoryInfo(0, 0, &raw), "CreateCpuMemoryInfo");
        info.SetHandle(raw);
        return info;
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseMemoryInfo(handle);
        return true;
    }
}
