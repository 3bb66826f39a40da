namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>
/// The shapes of one <c>com.microsoft::MatMulNBits</c> weight for Y = A · W, W of K rows and N columns:
/// B uint8 [N, k_blocks, blob_size], scales [N · k_blocks] (row n's blocks together), packed zero points
/// uint8 [N · ⌈k_blocks · bits / 8⌉] (each row padded to whole bytes).
/// </summary>
/// <param name="K">Inner dimension (rows of W, the last dimension of A).</param>
/// <param name="N">Output features (columns of W).</param>
/// <param name="Bits">4 or 8.</param>
/// <param name="BlockSize">Values per block along K: 16, 32, 64, 128 or 256.</param>
public readonly record struct NBitsLayout(long K, long N, int Bits, int BlockSize)
{
    /// <summary>Blocks per column: ⌈K / block_size⌉.</summary>
    public long KBlocks => (K + BlockSize - 1) / BlockSize;

    /// <summary>Bytes of codes per block.</summary>
    public int BlobSize => BlockSize * Bits / 8;

    /// <summary>Bytes of B.</summary>
    public long WeightBytes => N * KBlocks * BlobSize;

    /// <summary>Scales (and unpacked zero points): one per block.</summary>
    public long ScaleCount => N * KBlocks;

    /// <summary>Packed zero-point bytes of one row n.</summary>
    public long ZeroPointBytesPerRow => ((KBlocks * Bits) + 7) / 8;

    /// <summary>Bytes of the packed zero points.</summary>
    public long ZeroPointBytes => N * ZeroPointBytesPerRow;

    /// <summary>Bytes of codes, scales of <paramref name="scaleBytes"/> each and, unless symmetric, zero points.</summary>
    public long QuantizedBytes(int scaleBytes, bool symmetric) => WeightBytes + (ScaleCount * scaleBytes) + (symmetric ? 0 : ZeroPointBytes);

    /// <summary>The shape of B.</summary>
    public long[] WeightShape => [N, KBlocks, BlobSize];
}
