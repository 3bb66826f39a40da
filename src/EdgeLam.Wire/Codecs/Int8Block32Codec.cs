using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeLam.Wire.Codecs;

/// <summary>
/// Symmetric int8 quantization in blocks of 32 elements with one binary16 scale per block, as ggml's Q8_0:
/// <c>d = max|x| / 127</c>, <c>q = round(x / d)</c> (half away from zero), decoded as <c>q · d</c>. The last block may
/// be shorter than 32. Defined for every input: the block maximum ignores NaN and ±∞, a NaN element becomes 0, ±∞
/// saturates to ±127, and <c>d</c> saturates at 65504 (the largest binary16) so the stored scale is always finite.
/// </summary>
public static class Int8Block32Codec
{
    /// <summary>Elements per block.</summary>
    public const int BlockSize = CodecLayout.Int8BlockSize;

    private const float MaxScale = 65504f;

    /// <summary>Blocks whose scales are computed together in one Vector256 (one division and one fp16 conversion for 8 blocks).</summary>
    private const int GroupBlocks = 8;

    /// <summary>
    /// Encodes <paramref name="source"/>: one scale per block into <paramref name="scales"/> and one int8 per element
    /// into <paramref name="quants"/>.
    /// </summary>
    public static void Encode(ReadOnlySpan<float> source, Span<ushort> scales, Span<sbyte> quants)
    {
        int blocks = (int)CodecLayout.BlockCount(source.Length);
        if (scales.Length < blocks || quants.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than the encoded form of the source.");
        }

        ref float src = ref MemoryMarshal.GetReference(source);
        ref sbyte dst = ref MemoryMarshal.GetReference(quants);
        int fullBlocks = source.Length / BlockSize;
        int block = 0;

        if (Vector256.IsHardwareAccelerated)
        {
            ref ushort scale = ref MemoryMarshal.GetReference(scales);
            for (; block + GroupBlocks <= fullBlocks; block += GroupBlocks)
            {
                nuint offset = (nuint)(block * BlockSize);
                EncodeGroup256(ref Unsafe.Add(ref src, offset), ref Unsafe.Add(ref dst, offset), ref Unsafe.Add(ref scale, block));
            }

            for (; block < fullBlocks; block++)
            {
                nuint offset = (nuint)(block * BlockSize);
                scales[block] = EncodeBlock256(ref Unsafe.Add(ref src, offset), ref Unsafe.Add(ref dst, offset));
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; block < fullBlocks; block++)
            {
                nuint offset = (nuint)(block * BlockSize);
                scales[block] = EncodeBlock128(ref Unsafe.Add(ref src, offset), ref Unsafe.Add(ref dst, offset));
            }
        }

        for (; block < blocks; block++)
        {
            int start = block * BlockSize;
            int length = Math.Min(BlockSize, source.Length - start);
            scales[block] = EncodeBlockScalar(source.Slice(start, length), quants.Slice(start, length));
        }
    }

    /// <summary>Encodes into little-endian scale bytes (2 per block) and quant bytes (1 per element).</summary>
    public static void Encode(ReadOnlySpan<float> source, Span<byte> scales, Span<byte> quants) =>
        Encode(source, MemoryMarshal.Cast<byte, ushort>(scales), MemoryMarshal.Cast<byte, sbyte>(quants));

    /// <summary>Decodes <paramref name="quants"/> with their block <paramref name="scales"/> into <paramref name="destination"/>.</summary>
    public static void Decode(ReadOnlySpan<ushort> scales, ReadOnlySpan<sbyte> quants, Span<float> destination)
    {
        int blocks = (int)CodecLayout.BlockCount(quants.Length);
        if (scales.Length < blocks || destination.Length < quants.Length)
        {
            throw new ArgumentException("Scales or destination are shorter than the quantized data requires.");
        }

        ref sbyte src = ref MemoryMarshal.GetReference(quants);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        int fullBlocks = quants.Length / BlockSize;
        int block = 0;

        if (Vector256.IsHardwareAccelerated)
        {
            for (; block < fullBlocks; block++)
            {
                nuint offset = (nuint)(block * BlockSize);
                Vector256<float> d = Vector256.Create(Float16Codec.FromHalfBits(scales[block]));
                (Vector256<short> s0, Vector256<short> s1) = Vector256.Widen(Vector256.LoadUnsafe(ref src, offset));
                (Vector256<int> i0, Vector256<int> i1) = Vector256.Widen(s0);
                (Vector256<int> i2, Vector256<int> i3) = Vector256.Widen(s1);
                (Vector256.ConvertToSingle(i0) * d).StoreUnsafe(ref dst, offset);
                (Vector256.ConvertToSingle(i1) * d).StoreUnsafe(ref dst, offset + 8);
                (Vector256.ConvertToSingle(i2) * d).StoreUnsafe(ref dst, offset + 16);
                (Vector256.ConvertToSingle(i3) * d).StoreUnsafe(ref dst, offset + 24);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; block < fullBlocks; block++)
            {
                Vector128<float> d = Vector128.Create(Float16Codec.FromHalfBits(scales[block]));
                for (nuint half = 0; half < BlockSize; half += 16)
                {
                    nuint offset = (nuint)(block * BlockSize) + half;
                    (Vector128<short> s0, Vector128<short> s1) = Vector128.Widen(Vector128.LoadUnsafe(ref src, offset));
                    (Vector128<int> i0, Vector128<int> i1) = Vector128.Widen(s0);
                    (Vector128<int> i2, Vector128<int> i3) = Vector128.Widen(s1);
                    (Vector128.ConvertToSingle(i0) * d).StoreUnsafe(ref dst, offset);
                    (Vector128.ConvertToSingle(i1) * d).StoreUnsafe(ref dst, offset + 4);
                    (Vector128.ConvertToSingle(i2) * d).StoreUnsafe(ref dst, offset + 8);
                    (Vector128.ConvertToSingle(i3) * d).StoreUnsafe(ref dst, offset + 12);
                }
            }
        }

        for (; block < blocks; block++)
        {
            float d = Float16Codec.FromHalfBits(scales[block]);
            int end = Math.Min((block + 1) * BlockSize, quants.Length);
            for (int i = block * BlockSize; i < end; i++)
            {
                destination[i] = quants[i] * d;
            }
        }
    }

    /// <summary>Decodes little-endian scale bytes and quant bytes.</summary>
    public static void Decode(ReadOnlySpan<byte> scales, ReadOnlySpan<byte> quants, Span<float> destination) =>
        Decode(MemoryMarshal.Cast<byte, ushort>(scales), MemoryMarshal.Cast<byte, sbyte>(quants), destination);

    /// <summary>The block scale for a block whose largest finite magnitude is <paramref name="absMax"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScaleFor(float absMax) => MathF.Min(absMax / 127f, MaxScale);

    private static ushort EncodeBlockScalar(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        float absMax = 0f;
        foreach (float v in x)
        {
            float a = MathF.Abs(v);
            if (a < float.PositiveInfinity && a > absMax)
            {
                absMax = a;
            }
        }

        float d = ScaleFor(absMax);
        float id = d != 0f ? 1f / d : 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float p = x[i] * id;
            p = float.IsNaN(p) ? 0f : Math.Clamp(p, -127f, 127f);
            q[i] = (sbyte)MathF.Round(p, MidpointRounding.AwayFromZero);
        }

        return Float16Codec.ToHalfBits(d);
    }

    private static ushort EncodeBlock256(ref float x, ref sbyte q)
    {
        Vector256<float> v0 = Vector256.LoadUnsafe(ref x);
        Vector256<float> v1 = Vector256.LoadUnsafe(ref x, 8);
        Vector256<float> v2 = Vector256.LoadUnsafe(ref x, 16);
        Vector256<float> v3 = Vector256.LoadUnsafe(ref x, 24);

        Vector256<float> m = Vector256.MaxNative(
            Vector256.MaxNative(FiniteAbs(v0), FiniteAbs(v1)),
            Vector256.MaxNative(FiniteAbs(v2), FiniteAbs(v3)));
        float d = ScaleFor(HorizontalMax(Vector128.MaxNative(m.GetLower(), m.GetUpper())));
        Vector256<float> id = Vector256.Create(d != 0f ? 1f / d : 0f);

        Vector256<short> lo = Vector256.Narrow(Quantize(v0 * id), Quantize(v1 * id));
        Vector256<short> hi = Vector256.Narrow(Quantize(v2 * id), Quantize(v3 * id));
        Vector256.Narrow(lo, hi).StoreUnsafe(ref q);
        return Float16Codec.ToHalfBits(d);
    }

    /// <summary>
    /// Eight full blocks: the block maxima first, then the eight scales and reciprocals in one vector (the same IEEE
    /// operations as the per-block path, so the same results), then the quantization.
    /// </summary>
    private static void EncodeGroup256(ref float x, ref sbyte q, ref ushort scales)
    {
        Span<float> values = stackalloc float[GroupBlocks];
        for (int k = 0; k < GroupBlocks; k++)
        {
            ref float b = ref Unsafe.Add(ref x, k * BlockSize);
            Vector256<float> m = Vector256.MaxNative(
                Vector256.MaxNative(FiniteAbs(Vector256.LoadUnsafe(ref b)), FiniteAbs(Vector256.LoadUnsafe(ref b, 8))),
                Vector256.MaxNative(FiniteAbs(Vector256.LoadUnsafe(ref b, 16)), FiniteAbs(Vector256.LoadUnsafe(ref b, 24))));
            values[k] = HorizontalMax(Vector128.MaxNative(m.GetLower(), m.GetUpper()));
        }

        ref float v = ref MemoryMarshal.GetReference(values);
        Vector256<float> d = Vector256.MinNative(Vector256.LoadUnsafe(ref v) / Vector256.Create(127f), Vector256.Create(MaxScale));
        Vector256<float> id = Vector256.ConditionalSelect(
            Vector256.Equals(d, Vector256<float>.Zero), Vector256<float>.Zero, Vector256<float>.One / d);
        Vector256.Narrow(Float16Codec.ToHalfBits(d), Vector256<uint>.Zero).GetLower().StoreUnsafe(ref scales);
        id.StoreUnsafe(ref v);

        for (int k = 0; k < GroupBlocks; k++)
        {
            ref float b = ref Unsafe.Add(ref x, k * BlockSize);
            Vector256<float> idk = Vector256.Create(values[k]);
            Vector256<short> lo = Vector256.Narrow(Quantize(Vector256.LoadUnsafe(ref b) * idk), Quantize(Vector256.LoadUnsafe(ref b, 8) * idk));
            Vector256<short> hi = Vector256.Narrow(Quantize(Vector256.LoadUnsafe(ref b, 16) * idk), Quantize(Vector256.LoadUnsafe(ref b, 24) * idk));
            Vector256.Narrow(lo, hi).StoreUnsafe(ref Unsafe.Add(ref q, k * BlockSize));
        }
    }

    private static ushort EncodeBlock128(ref float x, ref sbyte q)
    {
        Vector128<float> m = Vector128<float>.Zero;
        for (nuint i = 0; i < BlockSize; i += 4)
        {
            m = Vector128.MaxNative(m, FiniteAbs(Vector128.LoadUnsafe(ref x, i)));
        }

        float d = ScaleFor(HorizontalMax(m));
        Vector128<float> id = Vector128.Create(d != 0f ? 1f / d : 0f);

        for (nuint i = 0; i < BlockSize; i += 16)
        {
            Vector128<short> lo = Vector128.Narrow(
                Quantize(Vector128.LoadUnsafe(ref x, i) * id), Quantize(Vector128.LoadUnsafe(ref x, i + 4) * id));
            Vector128<short> hi = Vector128.Narrow(
                Quantize(Vector128.LoadUnsafe(ref x, i + 8) * id), Quantize(Vector128.LoadUnsafe(ref x, i + 12) * id));
            Vector128.Narrow(lo, hi).StoreUnsafe(ref q, i);
        }

        return Float16Codec.ToHalfBits(d);
    }

    /// <summary>|v| with NaN and ±∞ lanes replaced by 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FiniteAbs(Vector256<float> v)
    {
        Vector256<float> a = Vector256.Abs(v);
        return a & Vector256.LessThan(a, Vector256.Create(float.PositiveInfinity));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> FiniteAbs(Vector128<float> v)
    {
        Vector128<float> a = Vector128.Abs(v);
        return a & Vector128.LessThan(a, Vector128.Create(float.PositiveInfinity));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector128<float> m)
    {
        m = Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>Scaled values to integers: NaN → 0, clamp to ±127, round half away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Quantize(Vector256<float> p)
    {
        p &= Vector256.Equals(p, p);
        p = Vector256.MinNative(Vector256.MaxNative(p, Vector256.Create(-127f)), Vector256.Create(127f));
        Vector256<int> t = Vector256.ConvertToInt32Native(p);
        Vector256<float> fraction = p - Vector256.ConvertToSingle(t);
        Vector256<int> away = Vector256.GreaterThanOrEqual(Vector256.Abs(fraction), Vector256.Create(0.5f)).AsInt32();
        Vector256<int> step = Vector256.ConditionalSelect(
            Vector256.LessThan(p, Vector256<float>.Zero).AsInt32(), Vector256.Create(-1), Vector256<int>.One);
        return t + (away & step);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Quantize(Vector128<float> p)
    {
        p &= Vector128.Equals(p, p);
        p = Vector128.MinNative(Vector128.MaxNative(p, Vector128.Create(-127f)), Vector128.Create(127f));
        if (AdvSimd.IsSupported)
        {
            // FCVTAS: convert rounding to nearest with ties away from zero, exactly the scalar definition.
            return AdvSimd.ConvertToInt32RoundAwayFromZero(p);
        }

        Vector128<int> t = Vector128.ConvertToInt32Native(p);
        Vector128<float> fraction = p - Vector128.ConvertToSingle(t);
        Vector128<int> away = Vector128.GreaterThanOrEqual(Vector128.Abs(fraction), Vector128.Create(0.5f)).AsInt32();
        Vector128<int> step = Vector128.ConditionalSelect(
            Vector128.LessThan(p, Vector128<float>.Zero).AsInt32(), Vector128.Create(-1), Vector128<int>.One);
        return t + (away & step);
    }
}
