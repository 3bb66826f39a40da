namespace EdgeLam.Onnx.Interop;

/// <summary>Who owns the memory behind an <see cref="OrtValue"/>'s tensor data.</summary>
public enum OrtValueOwnership
{
    /// <summary>
    /// Native memory of the caller. The value never frees it; the caller keeps it alive and unchanged in size until the
    /// value is disposed, and frees it afterwards.
    /// </summary>
    CallerMemory,

    /// <summary>
    /// Managed memory (an array or <see cref="Memory{T}"/>) pinned by the value. The pin is released when the value is
    /// disposed; no copy is made, so writes through either side are seen by the other.
    /// </summary>
    PinnedManaged,

    /// <summary>Allocated by ONNX Runtime (an output of a run, or <see cref="OrtValue.Allocate"/>); freed with the value.</summary>
    OrtAllocated,
}
