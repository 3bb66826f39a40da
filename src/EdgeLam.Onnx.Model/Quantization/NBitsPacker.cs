namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>
/// Packs a weight into <see cref="NBitsLayout"/> buffers (pure logic): fed either whole blocks of K rows of a
/// [K, N] weight (MatMul's B) or single rows of an [N, K] weight (Gemm's B with transB = 1, an embedding table),
/// so the caller streams the weight and only the packed result (bits/32 of the float32 size) stays in memory.
/// </summary>
public sealed class NBitsPacker
{
    private readonly bool _symmetric;
    private readonly float[] _block;

    public NBitsPacker(NBitsLayout layout, bool symmetric)
    {
        if (layout.Bits is not (4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout.Bits, "bits must be 4 or 8.");
        }

        Layout = layout;
        _symmetric = symmetric;
        _block = new float[layout.BlockSize];
        Codes = new byte[layout.WeightBytes];
        Scales = new float[layout.ScaleCount];
        ZeroPoints = symmetric ? null : new byte[layout.ZeroPointBytes];
    }

    public NBitsLayout Layout { get; }

    /// <summary>B: uint8 [N, k_blocks, blob_size].</summary>
    public byte[] Codes { get; }

    /// <summary>Scales [N · k_blocks] in float32 (written in the weight's element type).</summary>
    public float[] Scales { get; }

    /// <summary>Packed zero points, or null when symmetric (ONNX Runtime then assumes 2^(bits−1)).</summary>
    public byte[]? ZeroPoints { get; }

    /// <summary>Packs a whole [K, N] weight held in memory (row-major).</summary>
    public static NBitsPacker FromKByN(ReadOnlySpan<float> weight, NBitsLayout layout, bool symmetric)
    {
        var packer = new NBitsPacker(layout, symmetric);
        for (long k = 0; k < layout.K; k += layout.BlockSize)
        {
            var rows = (int)Math.Min(layout.BlockSize, layout.K - k);
            packer.AddKBlock(weight.Slice((int)(k * layout.N), (int)(rows * layout.N)), k / layout.BlockSize);
        }

        return packer;
    }

    /// <summary>Packs a whole [N, K] weight held in memory (row-major).</summary>
    public static NBitsPacker FromNByK(ReadOnlySpan<float> weight, NBitsLayout layout, bool symmetric)
    {
        var packer = new NBitsPacker(layout, symmetric);
        for (long n = 0; n < layout.N; n++)
        {
            packer.AddNRow(weight.Slice((int)(n * layout.K), (int)layout.K), n);
        }

        return packer;
    }

    /// <summary>Packs block <paramref name="kBlock"/> of every column from its rows of a [K, N] weight ([rows, N], rows ≤ block size).</summary>
    public void AddKBlock(ReadOnlySpan<float> rows, long kBlock)
    {
        var n = Layout.N;
        var count = (int)(rows.Length / n);
        var values = _block.AsSpan(0, count);
        for (long column = 0; column < n; column++)
        {
            for (var r = 0; r < count; r++)
            {
                values[r] = rows[(int)((r * n) + column)];
            }

            Store(values, column, kBlock);
        }
    }

    /// <summary>Packs row <paramref name="n"/> (K values) of an [N, K] weight.</summary>
    public void AddNRow(ReadOnlySpan<float> row, long n)
    {
        for (long b = 0; b < Layout.KBlocks; b++)
        {
            var start = (int)(b * Layout.BlockSize);
            Store(row.Slice(start, (int)Math.Min(Layout.BlockSize, Layout.K - start)), n, b);
        }
    }

    private void Store(ReadOnlySpan<float> values, long n, long kBlock)
    {
        var index = (n * Layout.KBlocks) + kBlock;
        var blob = Codes.AsSpan((int)(index * Layout.BlobSize), Layout.BlobSize);
        Scales[index] = BlockQuantizer.QuantizeBlock(values, Layout.Bits, _symmetric, blob, out var zeroPoint);
        if (ZeroPoints is not null)
        {
            var row = ZeroPoints.AsSpan((int)(n * Layout.ZeroPointBytesPerRow), (int)Layout.ZeroPointBytesPerRow);
            BlockQuantizer.PackZeroPoint(row, Layout.Bits, (int)kBlock, zeroPoint);
        }
    }
}
