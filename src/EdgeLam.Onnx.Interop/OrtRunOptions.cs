using EdgeLam.Onnx.Interop.Native;

namespace EdgeLam.Onnx.Interop;

/// <summary>Per-run options (<c>OrtRunOptions</c>); <see cref="Terminate"/> cancels runs that use them.</summary>
public sealed unsafe class OrtRunOptions : OrtHandle
{
    /// <summary>Creates run options. ONNX Runtime must be loaded (an <see cref="OnnxRuntime"/> exists).</summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime is not loaded.</exception>
    public OrtRunOptions()
    {
        nint raw;
        OrtStatus.Check(OrtApi.CreateRunOptions(&raw), "CreateRunOptions");
        SetHandle(raw);
    }

    /// <summary>Makes current and future runs with these options stop with an error as soon as possible.</summary>
    public void Terminate()
    {
        using var l = Lease();
        OrtStatus.Check(OrtApi.RunOptionsSetTerminate(l.Handle), "RunOptionsSetTerminate");
    }

    /// <summary>Clears <see cref="Terminate"/>.</summary>
    public void ResetTerminate()
    {
        using var l = Lease();
        OrtStatus.Check(OrtApi.RunOptionsUnsetTerminate(l.Handle), "RunOptionsUnsetTerminate");
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseRunOptions(handle);
        return true;
    }
}
