using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// Shared models rewritten so that every matrix product sits inside both branches of an If node that defines the
/// same output names in its own scope and reads its operands from the outer scope: the split still reproduces the
/// reference outputs.
/// </summary>
[Collection(nameof(OrtCollection))]
public class SubgraphScopeSplitTests(OrtFixture ort)
{
    public static TheoryData<string, string> Splits => new()
    {
        { "tiny-llama-fp16/model.onnx", "1" },
        { "tiny-llama-fp16/model.onnx", "0,2" },
        { "bert-toy/bert_toy_optimized.onnx", "2" },
        { "bert-toy/bert_toy_optimized.onnx", "1,4" },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Split_MatMulsMovedIntoIfBranches_ReproducesTheReferenceOutputs(string model, string boundaries)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("wrapped", Path.GetFileName(model));
        ModelVariants.WriteWithNodesInSubgraphs(
            ModelFile.Load(Path.Combine(TestPaths.SharedModels, model)),
            path,
            node => node.OpType is "MatMul" or "Gemm" && node.Output.All(o => o.Length > 0));
        Assert.Contains(ModelFile.Load(path).Graph.Node, n => n.OpType == "If");

        SharedModelCases.AssertSplitReproducesReferences(ort, model, path, boundaries);
    }
}
