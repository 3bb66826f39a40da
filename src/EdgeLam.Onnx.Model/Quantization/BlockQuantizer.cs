namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>
/// Block-wise integer quantization in ONNX Runtime's <c>MatMulNBits</c> layout (pure logic, no I/O). One block is
/// <c>block_size</c> consecutive values along K of one output column n; it becomes one scale, one zero point and
/// <c>block_size · bits / 8</c> bytes of codes, packed low bits first (for 4 bits: element 2i in the low nibble of
/// byte i, element 2i+1 in the high nibble). Dequantized value = (code − zero point) · scale.
/// <list type="bullet">
/// <item>Symmetric: the value of largest magnitude m maps to code 0: scale = m / −2^(bits−1), zero point 2^(bits−1)
/// (the default ONNX Runtime assumes when no zero points are given); code = clamp(⌊v / scale + zp + ½⌋, 0, 2^bits − 1).</item>
/// <item>Asymmetric: the range [min(v, 0), max(v, 0)] spans all codes: scale = (max − min) / (2^bits − 1),
/// zero point = clamp(round(−min / scale), 0, 2^bits − 1); code = clamp(round(v / scale + zp), 0, 2^bits − 1).</item>
/// </list>
/// Rounding is half away from zero, as ONNX Runtime's own quantizer (<c>roundf</c>) does; values past the end of K
/// (the last block of a K that is not a multiple of the block size) are coded as 0.0.
/// </summary>
public static class BlockQuantizer
{
    /// <summary>Quantizes one block of values (at most the block size; missing tail values count as 0).</summary>
    /// <param name="values">The block's values in K order.</param>
    /// <param name="bits">4 or 8.</param>
    /// <param name="symmetric">Symmetric (no zero points stored) or asymmetric.</param>
    /// <param name="blob">Receives the packed codes; its length is block_size · bits / 8.</param>
    /// <param name="zeroPoint">The block's zero point (2^(bits−1) when symmetric).</param>
    /// <returns>The block's scale.</returns>
    public static float QuantizeBlock(ReadOnlySpan<float> values, int bits, bool symmetric, Span<byte> blob, out byte zeroPoint)
    {
        var blockSize = blob.Length * 8 / bits;
        if (values.Length > blockSize)
        {
            throw new ArgumentException($"A block holds at most {blockSize} values, got {values.Length}.", nameof(values));
        }

        var maxCode = (1 << bits) - 1;
        float scale;
        float zp;
        if (symmetric)
        {
            var magnitude = 0f;
            var extreme = 0f;
            foreach (var v in values)
            {
                if (MathF.Abs(v) > magnitude)
                {
                    magnitude = MathF.Abs(v);
                    extreme = v;
                }
            }

            zeroPoint = (byte)(1 << (bits - 1));
            scale = extreme / -(1 << (bits - 1));
            zp = zeroPoint;
        }
        else
        {
            var min = 0f;
            var max = 0f;
            foreach (var v in values)
            {
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }

            scale = (max - min) / maxCode;
            var zeroFloat = scale != 0f ? -min / scale : 0f;
            zeroPoint = (byte)Math.Clamp(MathF.Round(zeroFloat, MidpointRounding.AwayFromZero), 0, maxCode);
            zp = zeroPoint;
        }

        var reciprocal = scale != 0f ? 1f / scale : 0f;
        blob.Clear();
        for (var i = 0; i < blockSize; i++)
        {
            var v = i < values.Length ? values[i] : 0f;
            var code = symmetric
                ? MathF.Floor((v * reciprocal) + zp + 0.5f)
                : MathF.Round((v * reciprocal) + zp, MidpointRounding.AwayFromZero);
            var c = (byte)Math.Clamp(code, 0f, maxCode);
            if (bits == 8)
            {
                blob[i] = c;
            }
            else
            {
                blob[i / 2] |= (byte)((i & 1) == 0 ? c : c << 4);
            }
        }

        return scale;
    }

    /// <summary>The value a code stands for: (code − zero point) · scale.</summary>
    public static float Dequantize(ReadOnlySpan<byte> blob, int bits, int index, float scale, byte zeroPoint)
    {
        var code = bits == 8 ? blob[index] : (index & 1) == 0 ? blob[index / 2] & 0x0F : blob[index / 2] >> 4;
        return (code - zeroPoint) * scale;
    }

    /// <summary>Stores the zero point of block <paramref name="block"/> in one row's packed zero points (4 bits: two per byte, even block low).</summary>
    public static void PackZeroPoint(Span<byte> rowZeroPoints, int bits, int block, byte zeroPoint)
    {
        if (bits == 8)
        {
            rowZeroPoints[block] = zeroPoint;
        }
        else if ((block & 1) == 0)
        {
            rowZeroPoints[block / 2] = (byte)((rowZeroPoints[block / 2] & 0xF0) | zeroPoint);
        }
        else
        {
            rowZeroPoints[block / 2] = (byte)((rowZeroPoints[block / 2] & 0x0F) | (zeroPoint << 4));
        }
    }
}
