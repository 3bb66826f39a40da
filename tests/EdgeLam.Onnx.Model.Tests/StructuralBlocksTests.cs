using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Blocks.Structure;
using EdgeLam.Onnx.Model.Graph;
using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Structural block detection: repeated units of weight ops, found without any name.</summary>
public class StructuralBlocksTests
{
    [Fact]
    public void Longest_UnitBetweenPrefixAndSuffix_IsTheRunOfThree()
    {
        var runs = RepeatedUnits.Longest(["E", "a", "b", "c", "a", "b", "c", "a", "b", "c", "H"]);

        Assert.Equal([new UnitRun(1, 3, 3)], runs);
    }

    [Fact]
    public void Longest_UnitsListingIndependentOpsInAnotherOrder_StillMatch()
    {
        var runs = RepeatedUnits.Longest(["q", "k", "v", "o", "k", "q", "v", "o"]);

        Assert.Equal([new UnitRun(0, 4, 2)], runs);
    }

    [Fact]
    public void Longest_NothingRepeats_IsEmpty() => Assert.Empty(RepeatedUnits.Longest(["a", "b", "c", "d"]));

    [Fact]
    public void Longest_UnitOfIdenticalOps_OffersEveryPeriodCoveringEverything()
    {
        var runs = RepeatedUnits.Longest(["w", "w", "w", "w", "w", "w"]);

        Assert.Equal([new UnitRun(0, 1, 6), new UnitRun(0, 2, 3), new UnitRun(0, 3, 2)], runs);
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-gpt2")]
    [InlineData("small")]
    public void Detect_SyntheticDecoderWithEveryNameScrambled_FindsEachLayerAndItsKvCacheByStructure(string preset)
    {
        Assert.True(SyntheticPresets.TryGet(preset, out var config));
        using var temp = new TempDirectory();
        var small = config with { VocabSize = 64, IntermediateSize = 48, HiddenSize = config.Heads * 8, MaxPositions = 16 };
        var built = SyntheticModelBuilder.Build(small, 0, SyntheticDataType.Float32, temp.Combine("built"));
        ModelScrambler.Write(ModelFile.Load(built.ModelPath), temp.Combine("scrambled", "model.onnx"), 5, keepGraphInputsAndOutputs: false);

        var layout = BlockDetector.Detect(ModelFile.Load(temp.Combine("scrambled", "model.onnx")));

        Assert.Equal(BlockSource.Structure, layout.Source);
        Assert.Equal(config.Layers, layout.BlockCount);
        Assert.True(layout.HasEmbeddingStage);
        Assert.All(layout.Blocks, b => Assert.Equal(2, b.KvInputs.Count));
        Assert.All(layout.Blocks, b => Assert.Equal(2, b.KvOutputs.Count));
        Assert.Equal(config.Layers * 2, layout.Blocks.SelectMany(b => b.KvInputs).Distinct().Count());
    }

    [Fact]
    public void Detect_DecoderWhoseWeightsAllHaveOneShape_FindsLayersNotHalfLayers()
    {
        // Every weight of UnnamedDecoderModel is [8, 8]: periods of 1, 2, 4 and 6 ops all cover the sequence; only
        // whole layers give blocks holding the same operators.
        var proto = UnnamedDecoderModel.Build();
        using var temp = new TempDirectory();
        ModelWriter.Write(proto, temp.Path, temp.Combine("decoder.onnx"), new ModelWriteOptions());
        ModelScrambler.Write(ModelFile.Load(temp.Combine("decoder.onnx")), temp.Combine("s", "decoder.onnx"), 1, keepGraphInputsAndOutputs: false);

        var layout = BlockDetector.Detect(ModelFile.Load(temp.Combine("s", "decoder.onnx")));

        Assert.Equal(BlockSource.Structure, layout.Source);
        Assert.Equal(UnnamedDecoderModel.Layers, layout.BlockCount);
        Assert.Equal("structure (3 repeated units of 4 weight ops)", layout.Evidence);
    }

    [Theory]
    [InlineData("tiny-llama-fp16/model.onnx", 2, 2.0)]
    [InlineData("bert-toy/bert_toy_optimized.onnx", 5, 1.0)]
    [InlineData("phi3-torchscript/model.onnx", 3, 1.0)]
    [InlineData("qwen2-torch-functions/model.onnx", 4, 1.0)]
    public void Detect_SharedModelWithEveryNameScrambled_CutsOnlyTheResidualStreamBetweenBlocks(string model, int blocks, double residualTensors)
    {
        // tiny-llama's fused SkipSimplifiedLayerNormalization carries the residual as two tensors (sum and MLP output).
        using var temp = new TempDirectory();
        ModelScrambler.Write(ModelFile.Load(Path.Combine(TestPaths.SharedModels, model)), temp.Combine("m", "model.onnx"), 3, keepGraphInputsAndOutputs: false);
        var graph = new OnnxGraph(ModelFile.Load(temp.Combine("m", "model.onnx")).Graph);

        var layout = BlockDetector.Detect(graph, "scrambled");

        Assert.Equal(BlockSource.Structure, layout.Source);
        Assert.Equal(blocks, layout.BlockCount);
        Assert.DoesNotContain("names", layout.Evidence, StringComparison.Ordinal);
        var constant = HiddenPath.ConstantNodes(graph);
        var hidden = HiddenPath.Mark(graph, HiddenPath.FindEmbedding(graph, constant), out _);
        Assert.Equal(residualTensors, StructuralBlocks.MeanCrossing(graph, hidden, layout.Stages.ToArray(), blocks));
    }

    [Fact]
    public void Detect_GraphWithoutRepeatedUnit_SaysWhatItFoundAndWhereACutCouldGo()
    {
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "mlp" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        var g = proto.Graph;
        g.Input.Add(new TensorType(1, [Dim.Of(1), Dim.Of(8)]).ToValueInfo("x"));
        g.Output.Add(new TensorType(1, [Dim.Of(1), Dim.Of(8)]).ToValueInfo("y"));
        g.Initializer.Add(Weight("w1", 8, 16));
        g.Initializer.Add(Weight("w2", 16, 8));
        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { "x", "w1" }, Output = { "a" } });
        g.Node.Add(new NodeProto { OpType = "Relu", Input = { "a" }, Output = { "h" } });
        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { "h", "w2" }, Output = { "y" } });

        var error = Assert.Throws<ModelSurgeryException>(() => BlockDetector.Detect(new OnnxGraph(g), "mlp.onnx"));

        Assert.Contains("reads weights in 2 ops (MatMul(1[8,16]), MatMul(1[16,8])) in which no unit repeats", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 nodes", error.Message, StringComparison.Ordinal);
        Assert.Contains("usable as --cut: 'a', 'h'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_MlpWithResidualAndNoRepeatedUnit_SaysWhichOpsItFoundAndWhereACutCouldGo()
    {
        using var temp = new TempDirectory();
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "mlp" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        var g = proto.Graph;
        g.Input.Add(new TensorType(1, [Dim.Named("batch"), Dim.Of(8)]).ToValueInfo("x"));
        g.Output.Add(new TensorType(1, [Dim.Named("batch"), Dim.Of(12)]).ToValueInfo("y"));
        g.Initializer.Add(Weight("w1", 8, 16));
        g.Initializer.Add(Weight("w2", 16, 8));
        g.Initializer.Add(Weight("w3", 8, 12));
        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { "x", "w1" }, Output = { "a" } });
        g.Node.Add(new NodeProto { OpType = "Relu", Input = { "a" }, Output = { "h" } });
        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { "h", "w2" }, Output = { "m" } });
        g.Node.Add(new NodeProto { OpType = "Add", Input = { "x", "m" }, Output = { "r" } });
        g.Node.Add(new NodeProto { OpType = "MatMul", Input = { "r", "w3" }, Output = { "y" } });
        ModelWriter.Write(proto, temp.Path, temp.Combine("mlp.onnx"), new ModelWriteOptions());

        var error = Assert.Throws<ModelSurgeryException>(() =>
            ModelSplitter.Split(ModelFile.Load(temp.Combine("mlp.onnx")), SplitPlan.AtBoundaries(1), temp.Combine("out")));

        Assert.Contains("the hidden-state path (from float graph inputs x, 5 nodes)", error.Message, StringComparison.Ordinal);
        Assert.Contains("reads weights in 3 ops (MatMul(1[8,16]), MatMul(1[16,8]), MatMul(1[8,12])) in which no unit repeats", error.Message, StringComparison.Ordinal);
        Assert.Contains("usable as --cut: 'a', 'h', 'm', 'r'.", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    private static TensorProto Weight(string name, long rows, long columns)
    {
        var t = new TensorProto { Name = name, DataType = 1, RawData = Google.Protobuf.ByteString.CopyFrom(new byte[rows * columns * 4]) };
        t.Dims.AddRange([rows, columns]);
        return t;
    }
}
