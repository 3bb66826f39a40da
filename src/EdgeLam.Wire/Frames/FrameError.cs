namespace EdgeLam.Wire.Frames;

/// <summary>Why a frame was rejected. <see cref="None"/> means it was accepted.</summary>
public enum FrameError
{
    /// <summary>The frame is valid.</summary>
    None = 0,

    /// <summary>Shorter than the header and trailer, or a field runs past the end.</summary>
    Truncated,

    /// <summary>The first four bytes are not "ELAF".</summary>
    BadMagic,

    /// <summary>A version this reader does not know.</summary>
    UnsupportedVersion,

    /// <summary>The length field differs from the received length.</summary>
    LengthMismatch,

    /// <summary>Longer than the contract allows.</summary>
    FrameTooLarge,

    /// <summary>The CRC-32C trailer does not match.</summary>
    ChecksumMismatch,

    /// <summary>An undefined flag bit or a non-zero reserved field.</summary>
    ReservedBitsSet,

    /// <summary>More tensors than <see cref="FrameLimits.MaxTensors"/>.</summary>
    TooManyTensors,

    /// <summary>A name of 0 or more than <see cref="FrameLimits.MaxNameBytes"/> bytes, or not UTF-8.</summary>
    InvalidName,

    /// <summary>Two tensors with the same name.</summary>
    DuplicateTensor,

    /// <summary>An undefined dtype value.</summary>
    UnknownDType,

    /// <summary>An undefined codec value.</summary>
    UnknownCodec,

    /// <summary>A codec that cannot carry the tensor's dtype.</summary>
    CodecNotApplicable,

    /// <summary>More dimensions than <see cref="FrameLimits.MaxRank"/>.</summary>
    RankTooLarge,

    /// <summary>A dimension above <see cref="FrameLimits.MaxDimension"/> or an element count above <see cref="FrameLimits.MaxElements"/>.</summary>
    DimensionTooLarge,

    /// <summary>The scale data length is not what the codec and shape require.</summary>
    ScaleLengthMismatch,

    /// <summary>The payload length is not what the codec, dtype and shape require.</summary>
    PayloadLengthMismatch,

    /// <summary>A block scale that is negative, infinite or NaN.</summary>
    InvalidScale,

    /// <summary>Bytes left between the last tensor and the trailer.</summary>
    TrailingBytes,

    /// <summary>The model id differs from the contract's.</summary>
    ModelMismatch,

    /// <summary>The plan epoch differs from the contract's.</summary>
    EpochMismatch,

    /// <summary>The boundary index differs from the contract's.</summary>
    BoundaryMismatch,

    /// <summary>A tensor name the contract does not list.</summary>
    UnexpectedTensor,

    /// <summary>A tensor the contract requires is absent.</summary>
    MissingTensor,

    /// <summary>A tensor's dtype differs from the contract's.</summary>
    DTypeMismatch,

    /// <summary>A tensor's rank or a dimension breaks the contract (bounds or a symbolic dimension bound twice differently).</summary>
    ShapeMismatch,

    /// <summary>The caller's destination buffer is too small, or of a type the tensor cannot decode into.</summary>
    DestinationMismatch,
}
