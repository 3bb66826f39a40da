namespace EdgeLam.Wire.Frames;

/// <summary>Hard bounds every reader enforces before it trusts a count, length or dimension.</summary>
public static class FrameLimits
{
    /// <summary>Tensors per frame.</summary>
    public const int MaxTensors = 16;

    /// <summary>UTF-8 bytes in a tensor name.</summary>
    public const int MaxNameBytes = 64;

    /// <summary>Dimensions per tensor.</summary>
    public const int MaxRank = 8;

    /// <summary>Largest single dimension.</summary>
    public const int MaxDimension = 1 << 24;

    /// <summary>Elements per tensor (1 GiB of float32).</summary>
    public const long MaxElements = 1L << 28;

    /// <summary>Largest frame (and the largest a <see cref="Contracts.FrameContract"/> may allow).</summary>
    public const int MaxFrameLength = int.MaxValue - 64;
}
