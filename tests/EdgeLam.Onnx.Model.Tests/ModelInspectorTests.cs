using EdgeLam.Onnx.Model.Inspect;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

public class ModelInspectorTests
{
    [Fact]
    public void Inspect_ScrambledPhi3_ShowsBlocksFoundByStructureAndOneHiddenStateAtEveryBoundary()
    {
        using var temp = new TempDirectory();
        ModelScrambler.Write(ModelFile.Load(Path.Combine(TestPaths.SharedModels, "phi3-torchscript/model.onnx")), temp.Combine("m", "model.onnx"), 2, keepGraphInputsAndOutputs: true);

        var summary = ModelInspector.Inspect(ModelFile.Load(temp.Combine("m", "model.onnx")));
        var text = ModelInspector.Format(summary);

        Assert.Equal(3, summary.Blocks);
        Assert.Equal("structure", summary.BlocksFoundBy);
        Assert.Equal([0, 1, 2, 3], summary.Boundaries.Select(b => b.Boundary));
        Assert.All(summary.Boundaries, b => Assert.Single(b.CutTensors));
        Assert.All(summary.Boundaries, b => Assert.Equal("float32", b.CutTensors[0].Dtype));
        Assert.Contains("cut at boundary 1: ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_TinyLlama_CutsBetweenBlocksCarryTheFusedResidualPair()
    {
        var summary = ModelInspector.Inspect(ModelFile.Load(SharedModelPaths.TinyLlama));

        var between = summary.Boundaries.Single(b => b.Boundary == 1);
        Assert.Equal(
            ["/model/layers.0/mlp/down_proj/MatMul/output_0", "/model/layers.0/post_attention_layernorm/output_3"],
            between.CutTensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(between.CutTensors, t => Assert.Equal("float16", t.Dtype));
    }
}
