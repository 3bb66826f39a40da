using EdgeLam.Onnx.Interop.Native;

namespace EdgeLam.Onnx.Interop;

/// <summary>The ORT environment (<c>OrtEnv</c>): logging and global state. ORT shares one per process and counts references.</summary>
public sealed unsafe class OrtEnv : OrtHandle
{
    private OrtEnv()
    {
    }

    internal static OrtEnv Create(OrtLogLevel logLevel)
    {
        var env = new OrtEnv();
        nint raw;
        fixed (byte* id = "edgelam"u8)
        {
            OrtStatus.Check(OrtApi.CreateEnv((int)logLevel, id, &raw), "CreateEnv");
        }

        env.SetHandle(raw);
        try
        {
            // Belt and braces: ORT_DISABLE_TELEMETRY=1 (set before the library loaded) is what keeps files from being written.
            OrtStatus.Check(OrtApi.DisableTelemetryEvents(raw), "DisableTelemetryEvents");
        }
        catch
        {
            env.Dispose();
            throw;
        }

        return env;
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseEnv(handle);
        return true;
    }
}
