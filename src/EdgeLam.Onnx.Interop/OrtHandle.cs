using System.Runtime.InteropServices;

namespace EdgeLam.Onnx.Interop;

/// <summary>
/// Base of every ONNX Runtime object wrapper: one <see cref="SafeHandle"/> per native object, released exactly once
/// (on <see cref="SafeHandle.Dispose()"/> or by the finalizer). Calls take a <see cref="HandleLease"/> so a concurrent
/// dispose cannot free the object while ORT uses it; a disposed handle gives <see cref="ObjectDisposedException"/>.
/// </summary>
public abstract class OrtHandle : SafeHandle
{
    /// <summary>Creates an empty (invalid) handle that owns what it will hold.</summary>
    protected OrtHandle()
        : base(0, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    internal HandleLease Lease() => new(this);

    internal void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(IsClosed || IsInvalid, this);
    }

    /// <summary>A reference on a handle for the duration of a native call (<c>using var l = h.Lease();</c>).</summary>
    internal ref struct HandleLease
    {
        private readonly OrtHandle _owner;
        private bool _added;

        public HandleLease(OrtHandle owner)
        {
            ArgumentNullException.ThrowIfNull(owner);
            owner.ThrowIfDisposed();
            _owner = owner;
            owner.DangerousAddRef(ref _added);
            Handle = owner.DangerousGetHandle();
        }

        public nint Handle { get; }

        public void Dispose()
        {
            if (_added)
            {
                _added = false;
                _owner.DangerousRelease();
            }
        }
    }
}
