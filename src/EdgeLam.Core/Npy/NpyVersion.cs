namespace EdgeLam.Core.Npy;

/// <summary>The <c>.npy</c> format version to write.</summary>
public enum NpyVersion
{
    /// <summary>1.0 when the header fits in 65535 bytes (every realistic shape), else 2.0 — what NumPy does.</summary>
    Auto = 0,

    /// <summary>Format 1.0: 16-bit header length.</summary>
    V1 = 1,

    /// <summary>Format 2.0: 32-bit header length.</summary>
    V2 = 2,
}
