using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Output types of com.microsoft contrib ops (optional outputs included) and opset 23/24 ops, from their schemas.</summary>
[Collection(nameof(OrtCollection))]
public class ContribTypeInferenceTests(OrtFixture ort)
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Half = (int)TensorProto.Types.DataType.Float16;
    private const int Int32 = (int)TensorProto.Types.DataType.Int32;
    private const int Int64 = (int)TensorProto.Types.DataType.Int64;

    [Theory]
    [InlineData("SkipLayerNormalization")]
    [InlineData("SkipSimplifiedLayerNormalization")]
    public void Infer_Fp16SkipNorm_StatisticsAreFloatAndSumKeepsTheInputType(string op)
    {
        var types = Infer(op, "com.microsoft", [("x", Half, 3), ("skip", Half, 3), ("gamma", Half, 1)], 4);

        Assert.Equal([Half, Float, Float, Half], Enumerable.Range(0, 4).Select(i => types["y" + i].ElementType));
        Assert.Equal(["b", "s", "h"], types["y3"].ShapeText!);
    }

    [Fact]
    public void Infer_SimplifiedLayerNormalization_InvStdVarIsFloat()
    {
        var types = Infer("SimplifiedLayerNormalization", string.Empty, [("x", Half, 3), ("gamma", Half, 1)], 2);

        Assert.Equal(Half, types["y0"].ElementType);
        Assert.Equal(Float, types["y1"].ElementType);
    }

    [Fact]
    public void Infer_EmbedLayerNormalization_OutputTakesTheEmbeddingTypeAndMaskIndexIsInt32()
    {
        var types = Infer("EmbedLayerNormalization", "com.microsoft", [("ids", Int32, 2), ("segments", Int32, 2), ("words", Half, 2)], 3);

        Assert.Equal([Half, Int32, Half], Enumerable.Range(0, 3).Select(i => types["y" + i].ElementType));
        Assert.Equal(["b", "s", "h"], types["y0"].ShapeText!);
        Assert.Equal(["b"], types["y1"].ShapeText!);
    }

    [Theory]
    [InlineData("MultiHeadAttention", 4)]
    [InlineData("GroupQueryAttention", 3)]
    [InlineData("Attention", 2)]
    public void Infer_ContribAttention_EveryOutputHasTheQueryType(string op, int outputs)
    {
        var types = Infer(op, "com.microsoft", [("q", Half, 3), ("k", Half, 3), ("v", Half, 3)], outputs);

        Assert.All(Enumerable.Range(0, outputs), i => Assert.Equal(Half, types["y" + i].ElementType));
    }

    [Theory]
    [InlineData("RotaryEmbedding")]
    [InlineData("FastGelu")]
    [InlineData("BiasGelu")]
    [InlineData("Gelu")]
    [InlineData("QuickGelu")]
    [InlineData("MatMulNBits")]
    public void Infer_ElementwiseContribOps_KeepTheInputType(string op)
    {
        var types = Infer(op, "com.microsoft", [("x", Half, 3), ("w", (int)TensorProto.Types.DataType.Uint8, 3)], 1);

        Assert.Equal(Half, types["y0"].ElementType);
    }

    [Fact]
    public void Infer_Opset23Attention_CachesKeepTheKeyAndValueTypes()
    {
        var types = Infer("Attention", string.Empty, [("q", Half, 4), ("k", Float, 4), ("v", Int64, 4)], 4);

        Assert.Equal([Half, Float, Int64, Half], Enumerable.Range(0, 4).Select(i => types["y" + i].ElementType));
    }

    [Fact]
    public void Infer_TensorScatter_KeepsTheCacheTypeAndShape()
    {
        var types = Infer("TensorScatter", string.Empty, [("cache", Half, 3), ("update", Half, 3)], 1);

        Assert.Equal(Half, types["y0"].ElementType);
        Assert.Equal(["b", "s", "h"], types["y0"].ShapeText!);
    }

    [Theory]
    [InlineData("Qwen2DecoderLayer", "__main__")]
    [InlineData("SomeFutureOp", "com.microsoft")]
    [InlineData("Custom", "vendor.ops")]
    public void Infer_UnknownOpsAndLocalFunctions_AreNotGuessed(string op, string domain)
    {
        var types = Infer(op, domain, [("x", Float, 3)], 2);

        Assert.False(types.ContainsKey("y0"));
        Assert.False(types.ContainsKey("y1"));
    }

    [Fact]
    public void Split_CutCarryingLocalFunctionOutputs_TakesTheirTypesFromOnnxRuntime()
    {
        // qwen2's decoder layers are calls of a local function: their hidden-state output crosses boundary 2.
        // Without the exporter's value_info nothing in the file says its type.
        var original = ModelFile.Load(Path.Combine(TestPaths.SharedModels, "qwen2-torch-functions/model.onnx"));
        var stripped = original.Proto.Clone();
        stripped.Graph.ValueInfo.Clear();
        using var temp = new TempDirectory();
        ModelWriter.Write(stripped, original.BaseDirectory, temp.Combine("stripped", "model.onnx"), new ModelWriteOptions());
        var source = ModelFile.Load(temp.Combine("stripped", "model.onnx"));

        var error = Assert.Throws<ModelSurgeryException>(() => ModelSplitter.Split(source, SplitPlan.AtBoundaries(2), temp.Combine("no-runtime")));
        var manifest = ModelSplitter.Split(source, SplitPlan.AtBoundaries(2), temp.Combine("with-runtime"), ort.Open);

        Assert.Contains("ONNX Runtime", error.Message, StringComparison.Ordinal);
        var crossing = Assert.Single(manifest.Segments[1].BoundaryInputs, b => b.Dtype.StartsWith("float", StringComparison.Ordinal));
        Assert.Equal("float32", crossing.Dtype);
        Assert.Contains("from ONNX Runtime", manifest.Detection, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("with-runtime", ".edgelam-type-probe")));
    }

    private static Dictionary<string, TensorType> Infer(string op, string domain, (string Name, int Type, int Rank)[] inputs, int outputs)
    {
        var g = new GraphProto { Name = "g" };
        string[] dims = ["b", "s", "h", "d"];
        foreach (var (name, type, rank) in inputs)
        {
            var shape = rank == 1 ? [Dim.Named("h")] : rank == 2 && name is "words" or "w" ? [Dim.Named("v"), Dim.Named("h")]
                : dims.Take(rank).Select(Dim.Named).ToList();
            g.Input.Add(new TensorType(type, shape).ToValueInfo(name));
        }

        var node = new NodeProto { OpType = op, Domain = domain };
        node.Input.AddRange(inputs.Select(i => i.Name));
        node.Output.AddRange(Enumerable.Range(0, outputs).Select(i => "y" + i));
        g.Node.Add(node);
        return TypeInference.Infer(new OnnxGraph(g));
    }
}
