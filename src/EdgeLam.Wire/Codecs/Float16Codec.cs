using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeLam.Wire.Codecs;

/// <summary>
/// float32 ⇄ IEEE binary16, round to nearest with ties to even, overflow to ±infinity, subnormals kept, NaN kept as
/// the quiet NaN 0x7E00 with its sign. Branch-free bit arithmetic (after Maratyszcza's FP16 library) so the same
/// steps run in Vector256, Vector128 (SSE or AdvSimd) and scalar code.
/// </summary>
public static class Float16Codec
{
    private const uint ScaleToInfBits = 0x77800000u;   // 2^112
    private const uint ScaleToZeroBits = 0x08800000u;  // 2^-110
    private const uint ExpScaleBits = 0x07800000u;     // 2^-112

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

    /// <summary>One element, float32 to binary16 bits.</summary>
    public static ushort ToHalfBits(float value)
    {
        uint w = BitConverter.SingleToUInt32Bits(value);
        float b = MathF.Abs(value) * BitConverter.UInt32BitsToSingle(ScaleToInfBits)
            * BitConverter.UInt32BitsToSingle(ScaleToZeroBits);
        uint shl1 = w + w;
        uint sign = w & 0x80000000u;
        uint bias = Math.Max(shl1 & 0xFF000000u, 0x71000000u);
        b = BitConverter.UInt32BitsToSingle((bias >> 1) + 0x07800000u) + b;
        uint bits = BitConverter.SingleToUInt32Bits(b);
        uint nonSign = ((bits >> 13) & 0x7C00u) + (bits & 0x0FFFu);
        return (ushort)((sign >> 16) | (shl1 > 0xFF000000u ? 0x7E00u : nonSign));
    }

    /// <summary>One element, binary16 bits to float32 (exact).</summary>
    public static float FromHalfBits(ushort half)
    {
        uint w = (uint)half << 16;
        uint sign = w & 0x80000000u;
        uint twoW = w + w;
        float normalized = BitConverter.UInt32BitsToSingle((twoW >> 4) + 0x70000000u) * BitConverter.UInt32BitsToSingle(ExpScaleBits);
        float denormalized = BitConverter.UInt32BitsToSingle((twoW >> 17) | 0x3F000000u) - 0.5f;
        uint result = sign | (twoW < (1u << 27) ? BitConverter.SingleToUInt32Bits(denormalized) : BitConverter.SingleToUInt32Bits(normalized));
        return BitConverter.UInt32BitsToSingle(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<uint> ToHalfBits(Vector256<float> value)
    {
        Vector256<uint> w = value.AsUInt32();
        Vector256<float> b = Vector256.Abs(value) * Vector256.Create(ScaleToInfBits).AsSingle()
            * Vector256.Create(ScaleToZeroBits).AsSingle();
        Vector256<uint> shl1 = w + w;
        Vector256<uint> sign = w & Vector256.Create(0x80000000u);
        Vector256<uint> bias = Vector256.Max(shl1 & Vector256.Create(0xFF000000u), Vector256.Create(0x71000000u));
        b = (Vector256.ShiftRightLogical(bias, 1) + Vector256.Create(0x07800000u)).AsSingle() + b;
        Vector256<uint> bits = b.AsUInt32();
        Vector256<uint> nonSign = (Vector256.ShiftRightLogical(bits, 13) & Vector256.Create(0x7C00u)) + (bits & Vector256.Create(0x0FFFu));
        Vector256<uint> nan = Vector256.GreaterThan(shl1, Vector256.Create(0xFF000000u));
        return Vector256.ShiftRightLogical(sign, 16) | Vector256.ConditionalSelect(nan, Vector256.Create(0x7E00u), nonSign);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> ToHalfBits(Vector128<float> value)
    {
        Vector128<uint> w = value.AsUInt32();
        Vector128<float> b = Vector128.Abs(value) * Vector128.Create(ScaleToInfBits).AsSingle()
            * Vector128.Create(ScaleToZeroBits).AsSingle();
        Vector128<uint> shl1 = w + w;
        Vector128<uint> sign = w & Vector128.Create(0x80000000u);
        Vector128<uint> bias = Vector128.Max(shl1 & Vector128.Create(0xFF000000u), Vector128.Create(0x71000000u));
        b = (Vector128.ShiftRightLogical(bias, 1) + Vector128.Create(0x07800000u)).AsSingle() + b;
        Vector128<uint> bits = b.AsUInt32();
        Vector128<uint> nonSign = (Vector128.ShiftRightLogical(bits, 13) & Vector128.Create(0x7C00u)) + (bits & Vector128.Create(0x0FFFu));
        Vector128<uint> nan = Vector128.GreaterThan(shl1, Vector128.Create(0xFF000000u));
        return Vector128.ShiftRightLogical(sign, 16) | Vector128.ConditionalSelect(nan, Vector128.Create(0x7E00u), nonSign);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FromHalfBits(Vector256<uint> half)
    {
        Vector256<uint> w = Vector256.ShiftLeft(half, 16);
        Vector256<uint> sign = w & Vector256.Create(0x80000000u);
        Vector256<uint> twoW = w + w;
        Vector256<float> normalized = (Vector256.ShiftRightLogical(twoW, 4) + Vector256.Create(0x70000000u)).AsSingle()
            * Vector256.Create(ExpScaleBits).AsSingle();
        Vector256<float> denormalized = (Vector256.ShiftRightLogical(twoW, 17) | Vector256.Create(0x3F000000u)).AsSingle()
            - Vector256.Create(0.5f);
        Vector256<uint> isDenormal = Vector256.LessThan(twoW, Vector256.Create(1u << 27));
        return (sign | Vector256.ConditionalSelect(isDenormal, denormalized.AsUInt32(), normalized.AsUInt32())).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> FromHalfBits(Vector128<uint> half)
    {
        Vector128<uint> w = Vector128.ShiftLeft(half, 16);
        Vector128<uint> sign = w & Vector128.Create(0x80000000u);
        Vector128<uint> twoW = w + w;
        Vector128<float> normalized = (Vector128.ShiftRightLogical(twoW, 4) + Vector128.Create(0x70000000u)).AsSingle()
            * Vector128.Create(ExpScaleBits).AsSingle();
        Vector128<float> denormalized = (Vector128.ShiftRightLogical(twoW, 17) | Vector128.Create(0x3F000000u)).AsSingle()
            - Vector128.Create(0.5f);
        Vector128<uint> isDenormal = Vector128.LessThan(twoW, Vector128.Create(1u << 27));
        return (sign | Vector128.ConditionalSelect(isDenormal, denormalized.AsUInt32(), normalized.AsUInt32())).AsSingle();
    }

    private readonly struct Format : IHalfWidthFormat
    {
        public static Vector256<uint> Encode(Vector256<float> value) => ToHalfBits(value);

        public static Vector128<uint> Encode(Vector128<float> value) => ToHalfBits(value);

        public static ushort Encode(float value) => ToHalfBits(value);

        public static Vector256<float> Decode(Vector256<uint> bits) => FromHalfBits(bits);

        public static Vector128<float> Decode(Vector128<uint> bits) => FromHalfBits(bits);

        public static float Decode(ushort bits) => FromHalfBits(bits);
    }
}
