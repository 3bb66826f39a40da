using EdgeLam.Core.Npy;
using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Onnx.Model.Quantization;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;
using DataType = EdgeLam.Onnx.Model.Protos.TensorProto.Types.DataType;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// ONNX Runtime reads the packing as it is meant: a one-node MatMul/Gemm model, quantized, gives A · Ŵ (+ C) where
/// Ŵ is decoded here from the packed bytes by the layout's index arithmetic ((code − zero point) · scale). K = 80 is
/// not a multiple of the block, so the padded last block and the per-row zero-point padding are exercised. A one-node
/// embedding Gather, quantized, gathers the decoded rows.
/// </summary>
[Collection(nameof(OrtCollection))]
public sealed class QuantizedOpsOrtTests(OrtFixture ort)
{
    private const int M = 3;
    private const int K = 80;
    private const int N = 5;
    private const int Block = 32;

    [Theory]
    [InlineData("MatMul", 4, false)]
    [InlineData("MatMul", 4, true)]
    [InlineData("MatMul", 8, false)]
    [InlineData("MatMul", 8, true)]
    [InlineData("Gemm", 4, false)]
    [InlineData("Gemm", 8, true)]
    public void Quantize_OneNodeModel_OrtComputesTheDecodedWeightsProduct(string op, int bits, bool symmetric)
    {
        using var temp = new TempDirectory();
        var random = new Random(bits * 10 + (symmetric ? 1 : 0));
        var weight = Enumerable.Range(0, K * N).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var bias = Enumerable.Range(0, N).Select(i => 0.25f * i).ToArray();
        var a = Enumerable.Range(0, M * K).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var source = WriteModel(temp.Combine("source", "model.onnx"), op, weight, bias);

        var result = ModelQuantizer.Quantize(ModelFile.Load(source), new QuantizeOptions { Bits = bits, BlockSize = Block, Symmetric = symmetric }, temp.Combine("q"));
        using var runner = ort.Open(result.ModelPath);
        var y = runner.Run(new Dictionary<string, NpyArray> { ["A"] = NpyArray.Create<float>(a, [M, K]) })["Y"].AsSpan<float>().ToArray();

        var layout = new NBitsLayout(K, N, bits, Block);
        var packer = op == "Gemm" ? NBitsPacker.FromNByK(weight, layout, symmetric) : NBitsPacker.FromKByN(weight, layout, symmetric);
        var decoded = Decode(packer, layout);
        var worst = 0.0;
        for (var m = 0; m < M; m++)
        {
            for (var n = 0; n < N; n++)
            {
                double expected = op == "Gemm" ? bias[n] : 0;
                double exact = expected;
                for (var k = 0; k < K; k++)
                {
                    expected += a[(m * K) + k] * decoded[k, n];
                    exact += a[(m * K) + k] * (op == "Gemm" ? weight[(n * K) + k] : weight[(k * N) + n]);
                }

                Assert.True(Math.Abs(expected - y[(m * N) + n]) <= 1e-4, $"Y[{m},{n}] = {y[(m * N) + n]}, decoded weights give {expected}");
                worst = Math.Max(worst, Math.Abs(exact - y[(m * N) + n]));
            }
        }

        // And the quantized product is near the float one: K terms of |a| ≤ 1 times half a step each.
        Assert.True(worst < K * (bits == 4 ? 0.07 : 0.005), $"quantized product off the float product by {worst}");
        Assert.Single(result.Report.Quantized);
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(4, true)]
    [InlineData(8, false)]
    [InlineData(8, true)]
    public void Quantize_EmbeddingGather_OrtGathersTheDecodedRows(int bits, bool symmetric)
    {
        const int vocabulary = 6;
        const int hidden = 96;
        using var temp = new TempDirectory();
        var random = new Random(bits + (symmetric ? 100 : 0));
        var table = Enumerable.Range(0, vocabulary * hidden).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var g = new GraphBuilder("embedding");
        g.AddInput("input_ids", DataType.Int64, 2, 3);
        g.AddOutput("Y", DataType.Float, 2, 3, hidden);
        g.AddInitializer(Raw("embed_tokens.weight", [vocabulary, hidden], table));
        g.OpNamed("/model/embed_tokens/Gather", "Gather", ["embed_tokens.weight", "input_ids"], "Y");
        var path = Save(temp.Combine("source", "model.onnx"), g);

        var result = ModelQuantizer.Quantize(ModelFile.Load(path), new QuantizeOptions { Bits = bits, BlockSize = Block, Symmetric = symmetric }, temp.Combine("q"));
        long[] ids = [5, 0, 3, 3, 1, 4];
        using var runner = ort.Open(result.ModelPath);
        var y = runner.Run(new Dictionary<string, NpyArray> { ["input_ids"] = NpyArray.Create<long>(ids, [2, 3]) })["Y"].AsSpan<float>().ToArray();

        Assert.Equal("GatherBlockQuantized", Assert.Single(result.Report.Quantized).NewOp);
        var layout = new NBitsLayout(hidden, vocabulary, bits, Block);
        var packer = NBitsPacker.FromNByK(table, layout, symmetric);
        for (var t = 0; t < ids.Length; t++)
        {
            for (var k = 0; k < hidden; k++)
            {
                var b = k / Block;
                var row = ((int)ids[t] * (int)layout.KBlocks) + b;
                var expected = BlockQuantizer.Dequantize(packer.Codes.AsSpan(row * layout.BlobSize, layout.BlobSize), bits, k % Block, packer.Scales[row], ZeroPoint(packer, layout, (int)ids[t], b));
                Assert.True(Math.Abs(expected - y[(t * hidden) + k]) <= 1e-6, $"token {ids[t]} value {k}: {y[(t * hidden) + k]}, expected {expected}");
                // Values in [−1, 1): half a step with zero points, a whole step symmetric (the value of opposite sign
                // to the largest magnitude can clamp at the top code).
                var step = bits == 4 ? (symmetric ? 1 / 8.0 : 2 / 15.0) : (symmetric ? 1 / 128.0 : 2 / 255.0);
                Assert.True(Math.Abs(table[((int)ids[t] * hidden) + k] - y[(t * hidden) + k]) <= step * (symmetric ? 1.0 : 0.5) + 1e-6);
            }
        }
    }

    private static byte ZeroPoint(NBitsPacker packer, NBitsLayout layout, int n, int block) =>
        packer.ZeroPoints is null ? (byte)(1 << (layout.Bits - 1))
        : layout.Bits == 8 ? packer.ZeroPoints[(n * (int)layout.KBlocks) + block]
        : (byte)((packer.ZeroPoints[(n * (int)layout.ZeroPointBytesPerRow) + (block / 2)] >> (4 * (block % 2))) & 0xF);

    /// <summary>Ŵ[k, n] from the packed bytes by the MatMulNBits layout, independent of the packer's own indexing.</summary>
    private static float[,] Decode(NBitsPacker packer, NBitsLayout layout)
    {
        var w = new float[K, N];
        var blocks = (int)layout.KBlocks;
        for (var n = 0; n < N; n++)
        {
            for (var k = 0; k < K; k++)
            {
                var b = k / Block;
                var i = k % Block;
                var blob = ((n * blocks) + b) * layout.BlobSize;
                int code = layout.Bits == 8 ? packer.Codes[blob + i] : (packer.Codes[blob + (i / 2)] >> (4 * (i % 2))) & 0xF;
                int zero = packer.ZeroPoints is null
                    ? 1 << (layout.Bits - 1)
                    : layout.Bits == 8 ? packer.ZeroPoints[(n * blocks) + b] : (packer.ZeroPoints[(n * ((blocks + 1) / 2)) + (b / 2)] >> (4 * (b % 2))) & 0xF;
                w[k, n] = (code - zero) * packer.Scales[(n * blocks) + b];
            }
        }

        return w;
    }

    private static string WriteModel(string path, string op, float[] weight, float[] bias)
    {
        var g = new GraphBuilder("one_" + op);
        g.AddInput("A", DataType.Float, M, K);
        g.AddOutput("Y", DataType.Float, M, N);
        g.AddInitializer(Raw("W", op == "Gemm" ? [N, K] : [K, N], weight));
        if (op == "Gemm")
        {
            g.AddInitializer(Raw("C", [N], bias));
            g.OpNamed("/layer/proj/Gemm", "Gemm", ["A", "W", "C"], "Y", GraphBuilder.Attr("transB", 1L));
        }
        else
        {
            g.OpNamed("/layer/proj/MatMul", "MatMul", ["A", "W"], "Y");
        }

        return Save(path, g);
    }

    private static string Save(string path, GraphBuilder g)
    {
        var model = new ModelProto { IrVersion = 8, Graph = g.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ModelWriter.Write(model, Path.GetDirectoryName(path)!, path, new ModelWriteOptions());
        return path;
    }

    private static TensorProto Raw(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor;
    }
}
