using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeLam.Wire.Codecs;

/// <summary>The element conversions of a 16-bit float format (binary16, bfloat16), for <see cref="HalfWidthLoops"/>.</summary>
internal interface IHalfWidthFormat
{
    static abstract Vector256<uint> Encode(Vector256<float> value);

    static abstract Vector128<uint> Encode(Vector128<float> value);

    static abstract ushort Encode(float value);

    static abstract Vector256<float> Decode(Vector256<uint> bits);

    static abstract Vector128<float> Decode(Vector128<uint> bits);

    static abstract float Decode(ushort bits);
}

/// <summary>
/// The loops shared by the 16-bit float codecs: 16 elements at a time in Vector256, then 8 in Vector128 (SSE or
/// AdvSimd), then one by one. <typeparamref name="TFormat"/> is a struct, so each format gets its own specialised,
/// inlined copy (no dispatch per element).
/// </summary>
internal static class HalfWidthLoops
{
    public static void Encode<TFormat>(ReadOnlySpan<float> source, Span<ushort> destination)
        where TFormat : struct, IHalfWidthFormat
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
                Vector256<uint> lo = TFormat.Encode(Vector256.LoadUnsafe(ref src, i));
                Vector256<uint> hi = TFormat.Encode(Vector256.LoadUnsafe(ref src, i + 8));
                Vector256.Narrow(lo, hi).StoreUnsafe(ref dst, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector128<uint> lo = TFormat.Encode(Vector128.LoadUnsafe(ref src, i));
                Vector128<uint> hi = TFormat.Encode(Vector128.LoadUnsafe(ref src, i + 4));
                Vector128.Narrow(lo, hi).StoreUnsafe(ref dst, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = TFormat.Encode(Unsafe.Add(ref src, i));
        }
    }

    public static void Decode<TFormat>(ReadOnlySpan<ushort> source, Span<float> destination)
        where TFormat : struct, IHalfWidthFormat
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        }

        ref ushort src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref src, i));
                TFormat.Decode(lo).StoreUnsafe(ref dst, i);
                TFormat.Decode(hi).StoreUnsafe(ref dst, i + 8);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                (Vector128<uint> lo, Vector128<uint> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref src, i));
                TFormat.Decode(lo).StoreUnsafe(ref dst, i);
                TFormat.Decode(hi).StoreUnsafe(ref dst, i + 4);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = TFormat.Decode(Unsafe.Add(ref src, i));
        }
    }
}
