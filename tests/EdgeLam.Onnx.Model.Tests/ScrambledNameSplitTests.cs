using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Testing;
using Xunit.Abstractions;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// The acceptance check of structural detection: every shared model with all node, tensor and initializer names
/// replaced by random ones (graph inputs and outputs keep theirs, the reference cases use them) splits at every block
/// boundary and at every 3-way cut, found by structure, and reproduces the reference outputs of every case.
/// </summary>
[Collection(nameof(OrtCollection))]
public class ScrambledNameSplitTests(OrtFixture ort, ITestOutputHelper output)
{
    public static TheoryData<string, int> Models() => SharedModelCases.ModelData();

    [Theory]
    [MemberData(nameof(Models))]
    public void Split_SharedModelAsExported_ReproducesReferencesAtEveryCut(string model, int blocks)
    {
        var path = Path.Combine(TestPaths.SharedModels, model);

        var layout = BlockDetector.Detect(ModelFile.Load(path));

        Assert.Equal(BlockSource.Structure, layout.Source);
        Assert.Equal(blocks, layout.BlockCount);
        var worst = SharedModelCases.AllCuts(blocks).Max(cut => SharedModelCases.AssertSplitReproducesReferences(ort, model, path, cut));
        output.WriteLine($"{model}: {layout.Evidence}; largest difference to the references over all cuts {worst:G3}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Split_SharedModelWithScrambledNames_ReproducesReferencesAtEveryCut(string model, int blocks)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("scrambled", Path.GetFileName(model));
        ModelScrambler.Write(ModelFile.Load(Path.Combine(TestPaths.SharedModels, model)), path, 11, keepGraphInputsAndOutputs: true);
        var source = ModelFile.Load(path);
        Assert.DoesNotContain(source.Graph.Node, n => n.Name.Contains("layers", StringComparison.Ordinal));

        var layout = BlockDetector.Detect(source);

        Assert.Equal(BlockSource.Structure, layout.Source);
        Assert.Equal(blocks, layout.BlockCount);
        var worst = 0.0;
        foreach (var cut in SharedModelCases.AllCuts(blocks))
        {
            worst = Math.Max(worst, SharedModelCases.AssertSplitReproducesReferences(ort, model, path, cut));
        }

        output.WriteLine($"{model}: {layout.Evidence}; largest difference to the references over all cuts {worst:G3}");
    }
}
