using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

public class SplitErrorTests
{
    [Fact]
    public void Split_CutAtUnknownTensor_NamesTheTensor()
    {
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelSurgeryException>(() =>
            ModelSplitter.Split(source, SplitPlan.ParseTensorCuts("/model/layers.0/no_such_tensor"), temp.Path));

        Assert.Equal("Cut tensor '/model/layers.0/no_such_tensor' does not exist in the model.", error.Message);
        Assert.False(File.Exists(temp.Combine(SplitManifest.FileName)));
    }

    [Fact]
    public void Split_CutAtResidualOnly_SaysItDoesNotSeparateAndNamesTheLeak()
    {
        // Cutting at layer 0's residual sum keeps its SkipLayerNorm before the cut, but that node's normalised
        // output_0 feeds layer 0's MLP, which lies after the cut.
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelSurgeryException>(() =>
            ModelSplitter.Split(source, SplitPlan.ParseTensorCuts("/model/layers.0/post_attention_layernorm/output_3"), temp.Path));

        Assert.Contains("does not separate the graph", error.Message, StringComparison.Ordinal);
        Assert.Contains("'/model/layers.0/post_attention_layernorm/output_0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_CutAtGraphInput_IsRejected()
    {
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelSurgeryException>(() => ModelSplitter.Split(source, SplitPlan.ParseTensorCuts("input_ids"), temp.Path));

        Assert.Contains("'input_ids' is a graph input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_CutAtMaskTensor_IsRejectedAsRecomputable()
    {
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelSurgeryException>(() => ModelSplitter.Split(source, SplitPlan.ParseTensorCuts("103"), temp.Path));

        Assert.Contains("'103' depends only on graph inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_CutsOutOfOrder_AreRejected()
    {
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelSurgeryException>(() => ModelSplitter.Split(source, SplitPlan.ParseTensorCuts("355;239"), temp.Path));

        Assert.Contains("give cuts in graph order", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("1,7")]
    public void Split_BoundaryBeyondTheBlocks_SaysHowManyBlocksExist(string boundaries)
    {
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelSurgeryException>(() => ModelSplitter.Split(source, SplitPlan.ParseBoundaries(boundaries), temp.Path));

        Assert.Contains("the model has 2 blocks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_TooManyBalancedSegments_IsRejected()
    {
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelSurgeryException>(() => ModelSplitter.Split(source, SplitPlan.Balanced(9), temp.Path));

        Assert.Contains("only 3 usable block boundaries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_ModelWithoutBlocks_ThrowsBeforeWritingAnything()
    {
        using var temp = new TempDirectory();
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "mlp" } };
        proto.Graph.Input.Add(new Graph.TensorType(1, [Graph.Dim.Of(2)]).ToValueInfo("x"));
        proto.Graph.Output.Add(new Graph.TensorType(1, [Graph.Dim.Of(2)]).ToValueInfo("y"));
        proto.Graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "x" }, Output = { "y" } });
        ModelWriter.Write(proto, temp.Path, temp.Combine("mlp.onnx"), new ModelWriteOptions());

        var error = Assert.Throws<ModelSurgeryException>(() =>
            ModelSplitter.Split(ModelFile.Load(temp.Combine("mlp.onnx")), SplitPlan.AtBoundaries(1), temp.Combine("out")));

        Assert.Contains("No transformer blocks recognised in 'mlp.onnx'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("")]
    public void ParseBoundaries_Garbage_IsRejected(string text) =>
        Assert.Throws<ModelSurgeryException>(() => SplitPlan.ParseBoundaries(text));

    [Fact]
    public void ReadManifest_FolderWithoutManifest_SaysSo()
    {
        using var temp = new TempDirectory();

        var error = Assert.Throws<ModelFormatException>(() => ModelSplitter.ReadManifest(temp.Path));

        Assert.Contains("has no manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadManifest_CorruptJson_IsAFormatError()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine(SplitManifest.FileName), "{ \"segments\": [");

        Assert.Throws<ModelFormatException>(() => ModelSplitter.ReadManifest(temp.Path));
    }

    [Fact]
    public void ParseManifest_NullSegmentEntry_IsAFormatErrorNamingIt()
    {
        const string json = """
            { "source": { "fileName": "model.onnx", "sha256": "00" }, "inputs": [], "outputs": [], "blocks": [],
              "segments": [ { "files": [], "originalInputs": [], "originalOutputs": [], "boundaryInputs": [], "boundaryOutputs": [] }, null ] }
            """;

        var error = Assert.Throws<ModelFormatException>(() => ModelSplitter.ParseManifest(System.Text.Encoding.UTF8.GetBytes(json), "m.json"));

        Assert.True(error.Message.Contains("segments[1] is null", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void ParseManifest_OptionalListsOmitted_AreEmptyNotNull()
    {
        // The source generator sets absent init-only members to null, over their "= []" defaults; the setters restore [].
        const string json = """
            { "source": { "fileName": "model.onnx", "sha256": "00" }, "inputs": [], "outputs": [],
              "blocks": [ { "index": 0 } ],
              "segments": [ { "files": [], "originalInputs": [], "originalOutputs": [], "boundaryInputs": [], "boundaryOutputs": [] } ] }
            """;

        var manifest = ModelSplitter.ParseManifest(System.Text.Encoding.UTF8.GetBytes(json), "m.json");

        Assert.Empty(manifest.Source.DataFiles);
        Assert.Empty(manifest.Source.Opsets);
        Assert.Empty(manifest.Blocks[0].KvInputs);
        Assert.Empty(manifest.Blocks[0].KvOutputs);
        Assert.Empty(manifest.Segments[0].OverridableInputs);
    }

    [Fact]
    public void ParseManifest_NullSegmentList_IsAFormatError()
    {
        const string json = """{ "source": { "fileName": "model.onnx", "sha256": "00" }, "inputs": [], "outputs": [], "blocks": [], "segments": null }""";

        Assert.Throws<ModelFormatException>(() => ModelSplitter.ParseManifest(System.Text.Encoding.UTF8.GetBytes(json), "m.json"));
    }
}
