using System.Runtime.InteropServices;
using EdgeLam.Mosquitto.Interop.Native;

namespace EdgeLam.Mosquitto.Interop;

/// <summary>Owns one <c>struct mosquitto*</c>; released with <c>mosquitto_destroy</c>.</summary>
public sealed class MosquittoHandle : SafeHandle
{
    public MosquittoHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    private GCHandle callbackTarget;

    internal MosquittoHandle(nint handle, GCHandle callbackTarget)
        : base(nint.Zero, ownsHandle: true)
    {
        SetHandle(handle);
        this.callbackTarget = callbackTarget;
    }

    public override bool IsInvalid => handle == nint.Zero;

    protected override bool ReleaseHandle()
    {
        MosquittoNative.Destroy(handle);

        // Freed only after mosquitto_destroy: no callback can run with a dangling obj pointer.
        if (callbackTarget.IsAllocated)
        {
            callbackTarget.Free();
        }

        return true;
    }
}
