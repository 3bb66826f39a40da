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
    public static void Encode(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        }

        ref float src = ref MemoryMarshal.GetReference(source);
        ref ushort dst = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector256<uint> lo = ToBFloat16Bits(Vector256.LoadUnsafe(ref src, i));
                Vector256<uint> hi = ToBFloat16Bits(Vector256.LoadUnsafe(ref src, i + 8));
                Vector256.Narrow(lo, hi).StoreUnsafe(ref dst, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector128<uint> lo = ToBFloat16Bits(Vector128.LoadUnsafe(ref src, i));
                Vector128<uint> hi = ToBFloat16Bits(Vector128.LoadUnsafe(ref src, i + 4));
                Vector128.Narrow(lo, hi).StoreUnsafe(ref dst, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = ToBFloat16Bits(Unsafe.Add(ref src, i));
        }
    }

    /// <summary>Encodes into little-endian bytes (2 per element).</summary>
    public static void Encode(ReadOnlySpan<float> source, Span<byte> destination) =>
        Encode(source, MemoryMarshal.Cast<byte, ushort>(destination));

    /// <summary>Decodes <paramref name="source"/> into the first <c>source.Length</c> elements of <paramref name="destination"/>.</summary>
    public static void Decode(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        }

        ref ushort src = ref MemoryMarshal.GetReference(source);
        ref uint dst = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        nuint n = (nuint)source.Length;
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref src, i));
                Vector256.ShiftLeft(lo, 16).StoreUnsafe(ref dst, i);
                Vector256.ShiftLeft(hi, 16).StoreUnsafe(ref dst, i + 8);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                (Vector128<uint> lo, Vector128<uint> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref src, i));
                Vector128.ShiftLeft(lo, 16).StoreUnsafe(ref dst, i);
                Vector128.ShiftLeft(hi, 16).StoreUnsafe(ref dst, i + 4);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = (uint)Unsafe.Add(ref src, i) << 16;
        }
    }

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
}
