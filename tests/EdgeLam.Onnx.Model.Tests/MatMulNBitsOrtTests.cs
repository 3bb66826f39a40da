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
/// not a multiple of the block, so the padded last block and the per-row zero-point padding are exercised.
/// </summary>
[Collection(nameof(OrtCollection))]
public sealed class MatMulNBitsOrtTests(OrtFixture ort)
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
