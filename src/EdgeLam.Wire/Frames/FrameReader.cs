using System.Buffers.Binary;
using System.Text.Unicode;
using EdgeLam.Wire.Checksums;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Contracts;

namespace EdgeLam.Wire.Frames;

/// <summary>
/// Validates an activation frame completely (structure, bounds, CRC-32C and, when given, the receiver's
/// <see cref="FrameContract"/>) and returns a <see cref="FrameView"/> whose tensors are spans into the frame.
/// <see cref="TryRead(ReadOnlySpan{byte}, FrameContract?, out FrameView)"/> reports every problem as a
/// <see cref="FrameError"/>; it throws nothing, allocates nothing and runs in time linear in the frame length.
/// </summary>
public static class FrameReader
{
    private const byte DefinedFlags = (byte)(FrameFlags.Prefill | FrameFlags.EndOfRequest);

    /// <summary>Validates <paramref name="frame"/> structurally (no contract).</summary>
    public static FrameError TryRead(ReadOnlySpan<byte> frame, out FrameView view) => TryRead(frame, null, out view);

    /// <summary>Validates <paramref name="frame"/> and, when <paramref name="contract"/> is not null, checks it against the contract.</summary>
    public static FrameError TryRead(ReadOnlySpan<byte> frame, FrameContract? contract, out FrameView view)
    {
        view = default;
        FrameError error = TryReadHeader(frame, contract, out FrameHeader header, out int tensorCount);
        if (error != FrameError.None)
        {
            return error;
        }

        var offsets = default(TensorOffsets);
        error = ValidateTensors(frame, contract, tensorCount, ref offsets);
        if (error != FrameError.None)
        {
            return error;
        }

        view = new FrameView(frame, header, tensorCount, offsets);
        return FrameError.None;
    }

    /// <summary>
    /// Reads the plan epoch of what looks like a frame (long enough, magic and version right) without validating the
    /// rest: a receiver that hosts several epochs picks the stage that validates it completely. Allocates nothing.
    /// </summary>
    public static bool TryPeekPlanEpoch(ReadOnlySpan<byte> frame, out uint planEpoch)
    {
        planEpoch = 0;
        if (frame.Length < FrameLayout.HeaderLength + FrameLayout.TrailerLength
            || BinaryPrimitives.ReadUInt32LittleEndian(frame) != FrameLayout.Magic
            || frame[FrameLayout.VersionOffset] != FrameLayout.Version)
        {
            return false;
        }

        planEpoch = BinaryPrimitives.ReadUInt32LittleEndian(frame[FrameLayout.PlanEpochOffset..]);
        return true;
    }

    /// <summary>Like <see cref="TryRead(ReadOnlySpan{byte}, FrameContract?, out FrameView)"/> but throws <see cref="FrameDecodeException"/>.</summary>
    public static FrameView Read(ReadOnlySpan<byte> frame, FrameContract? contract = null)
    {
        FrameError error = TryRead(frame, contract, out FrameView view);
        return error == FrameError.None ? view : throw new FrameDecodeException(error);
    }

    private static FrameError TryReadHeader(ReadOnlySpan<byte> frame, FrameContract? contract, out FrameHeader header, out int tensorCount)
    {
        header = default;
        tensorCount = 0;
        if (frame.Length < FrameLayout.HeaderLength + FrameLayout.TrailerLength)
        {
            return FrameError.Truncated;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(frame) != FrameLayout.Magic)
        {
            return FrameError.BadMagic;
        }

        if (frame[FrameLayout.VersionOffset] != FrameLayout.Version)
        {
            return FrameError.UnsupportedVersion;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(frame[FrameLayout.FrameLengthOffset..]) != (uint)frame.Length)
        {
            return FrameError.LengthMismatch;
        }

        if (frame.Length > (contract?.MaxFrameLength ?? FrameLimits.MaxFrameLength))
        {
            return FrameError.FrameTooLarge;
        }

        int body = frame.Length - FrameLayout.TrailerLength;
        if (Crc32C.Compute(frame[..body]) != BinaryPrimitives.ReadUInt32LittleEndian(frame[body..]))
        {
            return FrameError.ChecksumMismatch;
        }

        byte flags = frame[FrameLayout.FlagsOffset];
        if ((flags & ~DefinedFlags) != 0 || BinaryPrimitives.ReadUInt16LittleEndian(frame[FrameLayout.ReservedOffset..]) != 0)
        {
            return FrameError.ReservedBitsSet;
        }

        tensorCount = BinaryPrimitives.ReadUInt16LittleEndian(frame[FrameLayout.TensorCountOffset..]);
        if (tensorCount > FrameLimits.MaxTensors)
        {
            return FrameError.TooManyTensors;
        }

        header = new FrameHeader
        {
            Flags = (FrameFlags)flags,
            SessionId = new Guid(frame.Slice(FrameLayout.SessionIdOffset, 16), bigEndian: true),
            RequestId = BinaryPrimitives.ReadUInt64LittleEndian(frame[FrameLayout.RequestIdOffset..]),
            Step = BinaryPrimitives.ReadUInt32LittleEndian(frame[FrameLayout.StepOffset..]),
            PlanEpoch = BinaryPrimitives.ReadUInt32LittleEndian(frame[FrameLayout.PlanEpochOffset..]),
            ModelId = ModelId.Read(frame.Slice(FrameLayout.ModelIdOffset, ModelId.Length)),
            BoundaryIndex = BinaryPrimitives.ReadUInt16LittleEndian(frame[FrameLayout.BoundaryOffset..]),
        };

        if (contract is null)
        {
            return FrameError.None;
        }

        if (header.ModelId != contract.ModelId)
        {
            return FrameError.ModelMismatch;
        }

        if (header.PlanEpoch != contract.PlanEpoch)
        {
            return FrameError.EpochMismatch;
        }

        return header.BoundaryIndex != contract.BoundaryIndex ? FrameError.BoundaryMismatch : FrameError.None;
    }

    private static FrameError ValidateTensors(ReadOnlySpan<byte> frame, FrameContract? contract, int tensorCount, ref TensorOffsets offsets)
    {
        int body = frame.Length - FrameLayout.TrailerLength;
        Span<int> symbols = stackalloc int[FrameContract.MaxSymbols];
        symbols.Fill(-1);
        uint seen = 0;
        int pos = FrameLayout.HeaderLength;

        for (int t = 0; t < tensorCount; t++)
        {
            offsets[t] = pos;
            if (body - pos < FrameLayout.TensorPrefixLength)
            {
                return FrameError.Truncated;
            }

            int nameLength = frame[pos];
            var dtype = (WireDType)frame[pos + 1];
            var codec = (WireCodec)frame[pos + 2];
            int rank = frame[pos + 3];
            pos += FrameLayout.TensorPrefixLength;

            if (nameLength is 0 or > FrameLimits.MaxNameBytes)
            {
                return FrameError.InvalidName;
            }

            if (body - pos < nameLength)
            {
                return FrameError.Truncated;
            }

            ReadOnlySpan<byte> name = frame.Slice(pos, nameLength);
            if (!Utf8.IsValid(name))
            {
                return FrameError.InvalidName;
            }

            for (int other = 0; other < t; other++)
            {
                int o = offsets[other];
                if (name.SequenceEqual(frame.Slice(o + FrameLayout.TensorPrefixLength, frame[o])))
                {
                    return FrameError.DuplicateTensor;
                }
            }

            pos += nameLength;

            if (!WireDTypes.IsDefined(dtype))
            {
                return FrameError.UnknownDType;
            }

            if (!CodecLayout.IsDefined(codec))
            {
                return FrameError.UnknownCodec;
            }

            if (!CodecLayout.Supports(codec, dtype))
            {
                return FrameError.CodecNotApplicable;
            }

            if (rank > FrameLimits.MaxRank)
            {
                return FrameError.RankTooLarge;
            }

            if (body - pos < (4 * rank) + 8)
            {
                return FrameError.Truncated;
            }

            ReadOnlySpan<byte> dims = frame.Slice(pos, 4 * rank);
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                uint dimension = BinaryPrimitives.ReadUInt32LittleEndian(dims[(4 * d)..]);
                if (dimension > FrameLimits.MaxDimension)
                {
                    return FrameError.DimensionTooLarge;
                }

                elements *= dimension;
                if (elements > FrameLimits.MaxElements)
                {
                    return FrameError.DimensionTooLarge;
                }
            }

            pos += 4 * rank;
            uint scaleLength = BinaryPrimitives.ReadUInt32LittleEndian(frame[pos..]);
            uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(frame[(pos + 4)..]);
            pos += 8;

            if (scaleLength != CodecLayout.ScaleLength(codec, elements))
            {
                return FrameError.ScaleLengthMismatch;
            }

            if (payloadLength != CodecLayout.PayloadLength(codec, dtype, elements))
            {
                return FrameError.PayloadLengthMismatch;
            }

            if ((long)body - pos < (long)scaleLength + payloadLength)
            {
                return FrameError.Truncated;
            }

            if (codec == WireCodec.Int8Block32 && !ScalesAreValid(frame.Slice(pos, (int)scaleLength)))
            {
                return FrameError.InvalidScale;
            }

            pos += (int)scaleLength + (int)payloadLength;

            if (contract is not null)
            {
                FrameError error = CheckContract(contract, name, dtype, dims, symbols, ref seen);
                if (error != FrameError.None)
                {
                    return error;
                }
            }
        }

        if (pos != body)
        {
            return FrameError.TrailingBytes;
        }

        if (contract is not null)
        {
            for (int i = 0; i < contract.Tensors.Count; i++)
            {
                if (contract.Tensors[i].Required && (seen & (1u << i)) == 0)
                {
                    return FrameError.MissingTensor;
                }
            }
        }

        return FrameError.None;
    }

    /// <summary>Binary16 scales must be finite and not negative (the encoder writes <c>max|x| / 127</c>).</summary>
    private static bool ScalesAreValid(ReadOnlySpan<byte> scales)
    {
        for (int i = 0; i + 1 < scales.Length; i += 2)
        {
            ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(scales[i..]);
            if ((bits & 0x8000) != 0 || (bits & 0x7C00) == 0x7C00)
            {
                return false;
            }
        }

        return true;
    }

    private static FrameError CheckContract(
        FrameContract contract, ReadOnlySpan<byte> name, WireDType dtype, ReadOnlySpan<byte> dims, Span<int> symbols, ref uint seen)
    {
        int index = contract.IndexOf(name);
        if (index < 0)
        {
            return FrameError.UnexpectedTensor;
        }

        if ((seen & (1u << index)) != 0)
        {
            return FrameError.DuplicateTensor;
        }

        seen |= 1u << index;
        TensorContract expected = contract.Tensors[index];
        if (dtype != expected.DType)
        {
            return FrameError.DTypeMismatch;
        }

        int rank = dims.Length / 4;
        if (rank != expected.Shape.Count)
        {
            return FrameError.ShapeMismatch;
        }

        for (int d = 0; d < rank; d++)
        {
            int dimension = (int)BinaryPrimitives.ReadUInt32LittleEndian(dims[(4 * d)..]);
            if (!expected.Shape[d].Accepts(dimension))
            {
                return FrameError.ShapeMismatch;
            }

            int symbol = contract.SymbolIndex(index, d);
            if (symbol >= 0)
            {
                if (symbols[symbol] < 0)
                {
                    symbols[symbol] = dimension;
                }
                else if (symbols[symbol] != dimension)
                {
                    return FrameError.ShapeMismatch;
                }
            }
        }

        return FrameError.None;
    }
}
