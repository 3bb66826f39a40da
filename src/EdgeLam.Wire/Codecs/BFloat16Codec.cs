using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeLam.Wire.Codecs;

/// <summary>
/// float32 ⇄ bfloat16 (the upper 16 bits of a binary32). Encoding rounds to nearest with ties to even; a NaN stays a
/// NaN (sign and upper payload kept, quiet bit set) instead of rounding into infinity. Decoding is exact.
/// </summary>
public static class BFloat16Codec
{
    /// <summary>Encodes <paramref name="source"/> into the first <c>source.Length</c> elements of <paramref name="destination"/>.</summary>
    public static void Encode(ReadOnlySpan<float> source, Span<ushort> destination) => HalfWidthLoops.Encode<Format>(source, destination);

    /// <summary>Encodes into little-endian bytes (2 per element).</summary>
    public static void Encode(ReadOnlySpan<float> source, Span<byte> destination) =>
        Encode(source, MemoryMarshal.Cast<byte, ushort>(destination));

    /// <summary>Decodes <paramref name="source"/> into the first <c>source.Length</c> elements of <paramref name="destination"/>.</summary>
    public static void Decode(ReadOnlySpan<ushort> source, Span<float> destination) => HalfWidthLoops.Decode<Format>(source, destination);

    /// <summary>Decodes little-endian bytes (2 per element); <paramref name="source"/> must have an even length.</summary>
    public static void Decode(ReadOnlySpan<byte> source, Span<float> destination) =>
        Decode(MemoryMarshal.Cast<byte, ushort>(source), destination);

    /// <summary>One element, float32 to bfloat16 bits.</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        uint w = BitConverter.SingleToUInt32Bits(value);
        if ((w & 0x7FFFFFFFu) > 0x7F800000u)
        {
            return (ushort)((w >> 16) | 0x0040u);
        }

        return (ushort)((w + 0x7FFFu + ((w >> 16) & 1u)) >> 16);
    }

    /// <summary>One element, bfloat16 bits to float32 (exact).</summary>
    public static float FromBFloat16Bits(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> ToBFloat16Bits(Vector256<float> value)
    {
        Vector256<uint> w = value.AsUInt32();
        Vector256<uint> rounded = Vector256.ShiftRightLogical(
            w + Vector256.Create(0x7FFFu) + (Vector256.ShiftRightLogical(w, 16) & Vector256<uint>.One), 16);
        Vector256<uint> quietNan = Vector256.ShiftRightLogical(w, 16) | Vector256.Create(0x0040u);
        Vector256<uint> isNumber = Vector256.Equals(value, value).AsUInt32();
        return Vector256.ConditionalSelect(isNumber, rounded, quietNan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> ToBFloat16Bits(Vector128<float> value)
    {
        Vector128<uint> w = value.AsUInt32();
        Vector128<uint> rounded = Vector128.ShiftRightLogical(
            w + Vector128.Create(0x7FFFu) + (Vector128.ShiftRightLogical(w, 16) & Vector128<uint>.One), 16);
        Vector128<uint> quietNan = Vector128.ShiftRightLogical(w, 16) | Vector128.Create(0x0040u);
        Vector128<uint> isNumber = Vector128.Equals(value, value).AsUInt32();
        return Vector128.ConditionalSelect(isNumber, rounded, quietNan);
    }

    private readonly struct Format : IHalfWidthFormat
    {
        public static Vector256<uint> Encode(Vector256<float> value) => ToBFloat16Bits(value);

        public static Vector128<uint> Encode(Vector128<float> value) => ToBFloat16Bits(value);

        public static ushort Encode(float value) => ToBFloat16Bits(value);

        // Decoding is exact: the bfloat16 bits are the upper half of the binary32.
        public static Vector256<float> Decode(Vector256<uint> bits) => Vector256.ShiftLeft(bits, 16).AsSingle();

        public static Vector128<float> Decode(Vector128<uint> bits) => Vector128.ShiftLeft(bits, 16).AsSingle();

        public static float Decode(ushort bits) => FromBFloat16Bits(bits);
    }
}
