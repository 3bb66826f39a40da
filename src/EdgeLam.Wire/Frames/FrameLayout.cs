using EdgeLam.Wire.Codecs;

namespace EdgeLam.Wire.Frames;

/// <summary>Byte offsets and sizes of the activation frame format (see docs/protocol.md, "Activation frame").</summary>
public static class FrameLayout
{
    /// <summary>"ELAF" read as a little-endian uint32.</summary>
    public const uint Magic = 0x46414C45u;

    /// <summary>The format version this code writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>Fixed header bytes.</summary>
    public const int HeaderLength = 64;

    /// <summary>The CRC-32C after the last tensor.</summary>
    public const int TrailerLength = 4;

    /// <summary>Tensor descriptor bytes before the name (name length, dtype, codec, rank).</summary>
    public const int TensorPrefixLength = 4;

    internal const int MagicOffset = 0;
    internal const int VersionOffset = 4;
    internal const int FlagsOffset = 5;
    internal const int TensorCountOffset = 6;
    internal const int FrameLengthOffset = 8;
    internal const int BoundaryOffset = 12;
    internal const int ReservedOffset = 14;
    internal const int SessionIdOffset = 16;
    internal const int RequestIdOffset = 32;
    internal const int StepOffset = 40;
    internal const int PlanEpochOffset = 44;
    internal const int ModelIdOffset = 48;

    /// <summary>Bytes one tensor takes in a frame (descriptor, scale data and payload).</summary>
    public static long TensorLength(int nameBytes, int rank, WireCodec codec, WireDType dtype, long elementCount) =>
        TensorPrefixLength + nameBytes + (4L * rank) + 8
        + CodecLayout.ScaleLength(codec, elementCount)
        + CodecLayout.PayloadLength(codec, dtype, elementCount);

    /// <summary>Bytes of a frame whose tensors take <paramref name="tensorBytes"/> in total.</summary>
    public static long FrameLength(long tensorBytes) => HeaderLength + tensorBytes + TrailerLength;
}
