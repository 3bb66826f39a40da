using EdgeLam.Onnx.Model.Quantization;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>The MatMulNBits packing against blocks quantized by hand.</summary>
public sealed class BlockQuantizerTests
{
    [Fact]
    public void FromNByK_Symmetric4BitTwoRowsOf32_GivesHandComputedNibblesAndScales()
    {
        // Row 0: v_i = (i − 16) / 2, largest magnitude −8 → scale −8 / −8 = 1, code ⌊v + 8.5⌋ = ⌊(i + 1) / 2⌋ (16 clamps to 15).
        // Row 1: all zero → scale 0, every code the zero point 8.
        var weight = new float[2 * 32];
        for (var i = 0; i < 32; i++)
        {
            weight[i] = (i - 16) * 0.5f;
        }

        var packer = NBitsPacker.FromNByK(weight, new NBitsLayout(K: 32, N: 2, Bits: 4, BlockSize: 32), symmetric: true);

        var expected = new byte[32];
        for (var j = 0; j < 15; j++)
        {
            expected[j] = (byte)(j | ((j + 1) << 4));
        }

        expected[15] = 0xFF;
        for (var j = 16; j < 32; j++)
        {
            expected[j] = 0x88;
        }

        Assert.Equal(expected, packer.Codes);
        Assert.Equal([1f, 0f], packer.Scales);
        Assert.Null(packer.ZeroPoints);
    }

    [Fact]
    public void FromNByK_Asymmetric4Bit_GivesHandComputedCodesAndPackedZeroPoints()
    {
        // Row 0: v_i = (i mod 16) − 5: range [−5, 10] → scale 15 / 15 = 1, zero point 5, code i mod 16.
        // Row 1: all −1.5: range [−1.5, 0] → scale 0.1, zero point round(15) = 15, code round(−15 + 15) = 0.
        var weight = new float[2 * 32];
        for (var i = 0; i < 32; i++)
        {
            weight[i] = (i % 16) - 5;
            weight[32 + i] = -1.5f;
        }

        var packer = NBitsPacker.FromNByK(weight, new NBitsLayout(32, 2, 4, 32), symmetric: false);

        byte[] row0 = [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE];
        Assert.Equal([.. row0, .. row0, .. new byte[16]], packer.Codes);
        Assert.Equal(1f, packer.Scales[0]);
        Assert.Equal(0.1f, packer.Scales[1], 6);
        Assert.Equal([0x05, 0x0F], packer.ZeroPoints);
    }

    [Fact]
    public void FromKByN_Symmetric8BitBlockOf16_GivesOneByteCodes()
    {
        // A [K = 16, N = 1] column v_k = k − 8: largest magnitude −8 → scale −8 / −128 = 1/16, code 16 (k − 8) + 128 = 16 k.
        var weight = Enumerable.Range(0, 16).Select(k => (float)(k - 8)).ToArray();

        var packer = NBitsPacker.FromKByN(weight, new NBitsLayout(16, 1, 8, 16), symmetric: true);

        Assert.Equal(Enumerable.Range(0, 16).Select(k => (byte)(16 * k)).ToArray(), packer.Codes);
        Assert.Equal([0.0625f], packer.Scales);
    }

    [Fact]
    public void Layout_KNotAMultipleOfTheBlock_PadsTheLastBlockAndEachRowsZeroPoints()
    {
        var layout = new NBitsLayout(K: 80, N: 3, Bits: 4, BlockSize: 32);

        Assert.Equal(3, layout.KBlocks);
        Assert.Equal(16, layout.BlobSize);
        Assert.Equal([3L, 3, 16], layout.WeightShape);
        Assert.Equal(9, layout.ScaleCount);
        Assert.Equal(2, layout.ZeroPointBytesPerRow);
        Assert.Equal(6, layout.ZeroPointBytes);
    }

    [Fact]
    public void PackZeroPoint_OddBlockCount_PutsEvenBlocksLowAndOddBlocksHigh()
    {
        var row = new byte[2];

        BlockQuantizer.PackZeroPoint(row, 4, 0, 0x3);
        BlockQuantizer.PackZeroPoint(row, 4, 1, 0xA);
        BlockQuantizer.PackZeroPoint(row, 4, 2, 0x7);

        Assert.Equal([0xA3, 0x07], row);
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(4, false)]
    [InlineData(8, true)]
    [InlineData(8, false)]
    public void FromKByN_TransposeOfFromNByK_PacksTheSameBytes(int bits, bool symmetric)
    {
        const int k = 80;
        const int n = 3;
        var random = new Random(7);
        var kByN = Enumerable.Range(0, k * n).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var nByK = new float[k * n];
        for (var r = 0; r < k; r++)
        {
            for (var c = 0; c < n; c++)
            {
                nByK[(c * k) + r] = kByN[(r * n) + c];
            }
        }

        var layout = new NBitsLayout(k, n, bits, 32);
        var a = NBitsPacker.FromKByN(kByN, layout, symmetric);
        var b = NBitsPacker.FromNByK(nByK, layout, symmetric);

        Assert.Equal(a.Codes, b.Codes);
        Assert.Equal(a.Scales, b.Scales);
        Assert.Equal(a.ZeroPoints, b.ZeroPoints);
    }

    [Theory]
    [InlineData(4, true, 8)]
    [InlineData(4, false, 15)]
    [InlineData(8, true, 128)]
    [InlineData(8, false, 255)]
    public void QuantizeBlock_RandomValues_DequantizeWithinHalfAStep(int bits, bool symmetric, int steps)
    {
        var random = new Random(bits + (symmetric ? 1 : 0));
        var values = Enumerable.Range(0, 32).Select(_ => (float)((random.NextDouble() * 3) - 1)).ToArray();
        var blob = new byte[32 * bits / 8];

        var scale = BlockQuantizer.QuantizeBlock(values, bits, symmetric, blob, out var zeroPoint);

        var range = symmetric ? values.Max(MathF.Abs) : values.Max() - Math.Min(0, values.Min());
        Assert.Equal(range / steps, MathF.Abs(scale), 5);
        for (var i = 0; i < values.Length; i++)
        {
            var back = BlockQuantizer.Dequantize(blob, bits, i, scale, zeroPoint);
            Assert.True(MathF.Abs(back - values[i]) <= (MathF.Abs(scale) / 2) + 1e-6f, $"value {i}: {values[i]} came back as {back}");
        }
    }
}
