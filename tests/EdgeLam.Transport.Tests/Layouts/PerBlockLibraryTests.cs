using EdgeLam.Inference;
using EdgeLam.Inference.Ranges;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Testing;

namespace EdgeLam.Transport.Tests.Layouts;

/// <summary>What orchestrated nodes open their ranges from: a split with a cut at every block boundary.</summary>
[Collection(nameof(LiveLayoutCollection))]
public sealed class PerBlockLibraryTests(LiveLayoutFixture fixture)
{
    [Fact]
    public void PerBlock_WholeExportAndWorkFolder_FrameBoundariesAreLayerBoundaries()
    {
        using var work = new TempDirectory("edgelam-perblock-");

        var library = BlockLibrary.PerBlock(fixture.Runtime, fixture.Export, work.Path);

        Assert.Equal([0, 1, 2, 3, 4], library.Map.Cuts);
        using var chain = library.Open(library.Range(1, 3));
        Assert.Equal((1, 3), (chain.Range.IncomingBoundary, chain.Range.OutgoingBoundary));
    }

    [Fact]
    public void PerBlock_SplitWithFewerCuts_RefusedNamingTheCuts()
    {
        using var work = new TempDirectory("edgelam-perblock-");
        var split = work.Combine("split-2");
        ModelSplitter.Split(ModelFile.Load(Path.Combine(fixture.Export, "model.onnx")), SplitPlan.AtBoundaries(2), split);

        var error = Assert.Throws<InferenceException>(() => BlockLibrary.PerBlock(fixture.Runtime, split));

        Assert.Contains("cuts at 2", error.Message, StringComparison.Ordinal);
    }
}
