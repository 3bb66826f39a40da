using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Segments;
using EdgeLam.Testing;

namespace EdgeLam.Inference.Tests.Ranges;

[Collection(nameof(ModelsCollection))]
public sealed class RangeErrorTests(ModelsFixture models)
{
    private static readonly ChainOptions Limits = new() { ContextLimit = 64 };

    private string Model => models.Preset("tiny", 4);

    private BlockLibrary Library => BlockLibrary.Open(models.Runtime, models.Split(Model, 0, 1, 2, 3, 4));

    [Fact]
    public void Range_OutsideTheModel_ArgumentOutOfRangeNamingTheModel()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Library.Range(2, 5));

        Assert.Contains("4 blocks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RangeEndingBetweenCuts_InferenceExceptionNamingTheCut()
    {
        var library = BlockLibrary.Open(models.Runtime, models.Split(Model, 2));

        var error = Assert.Throws<InferenceException>(() => library.Open(library.Range(0, 1), Limits));

        Assert.Contains("boundary 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlockLibrary_UnsplitFolder_InferenceException()
    {
        var error = Assert.Throws<InferenceException>(() => BlockLibrary.Open(models.Runtime, Model));

        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromExport_SplitFolder_InferenceExceptionPointingToOpen()
    {
        using var work = new TempDirectory("edgelam-ranges-");

        var error = Assert.Throws<InferenceException>(() => BlockLibrary.FromExport(models.Runtime, models.Split(Model, 2), work.Path));

        Assert.Contains("BlockLibrary.Open", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportKv_ConversationNotHeld_ConversationNotFound()
    {
        using var chain = Library.Open(Library.Range(0, 2), Limits);

        Assert.Throws<ConversationNotFoundException>(() => chain.ExportKv(Guid.NewGuid()));
    }

    [Fact]
    public void ExportKv_TensorOfAnotherRange_InferenceExceptionNamingIt()
    {
        var library = Library;
        using var chain = library.Open(library.Range(0, 2), Limits);
        var conversation = Guid.NewGuid();
        chain.RunTokens(conversation, [5, 6, 7]);

        var error = Assert.Throws<InferenceException>(() => chain.ExportKv(conversation, library.Map.KvTensors(2, 3)));

        Assert.Contains(library.Map.KvTensors(2, 3)[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportKv_SnapshotLackingAHostedBlock_InferenceExceptionAndNothingHeld()
    {
        var library = Library;
        using var source = library.Open(library.Range(0, 2), Limits);
        using var target = library.Open(library.Range(1, 4), Limits);
        var conversation = Guid.NewGuid();
        source.RunTokens(conversation, [5, 6, 7]);

        var error = Assert.Throws<InferenceException>(() => target.ImportKv(source.ExportKv(conversation)));

        Assert.Contains(library.Map.KvTensors(2, 3)[0], error.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.Length(conversation));
        Assert.Equal(3, source.Length(conversation));
    }

    [Fact]
    public void ImportKv_MismatchedLayout_InferenceExceptionNamingBothLayouts()
    {
        var library = Library;
        using var source = library.Open(library.Range(0, 1), Limits);
        using var target = library.Open(library.Range(0, 1), Limits);
        var conversation = Guid.NewGuid();
        source.RunTokens(conversation, [5, 6, 7]);
        var good = source.ExportKv(conversation);
        // Same names and bytes, read as twice the heads of half the size.
        var wrong = new KvSnapshot(conversation, 3, [.. good.Tensors.Select(t => t with { Heads = t.Heads * 2, HeadSize = t.HeadSize / 2 })], good.Data.ToArray());

        var error = Assert.Throws<InferenceException>(() => target.ImportKv(wrong));

        Assert.Contains("4 heads x 8", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 heads x 16", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.Length(conversation));
    }

    [Fact]
    public void ImportKv_MorePositionsThanTheContextLimit_ContextOverflow()
    {
        var library = Library;
        using var source = library.Open(library.Range(0, 1), new ChainOptions { ContextLimit = 128 });
        using var target = library.Open(library.Range(0, 1), Limits);
        var conversation = Guid.NewGuid();
        source.RunTokens(conversation, PipelineFactory.Prompt(80, 512));

        Assert.Throws<ContextOverflowException>(() => target.ImportKv(source.ExportKv(conversation)));
        Assert.Equal(0, target.Conversations);
    }

    [Fact]
    public void Merge_SnapshotsOfDifferentLengthsOrSharingATensor_ArgumentException()
    {
        var layout = new KvTensorLayout("past_key_values.0.key", "present.0.key", Core.Tensors.TensorElementType.Float32, 1, 2);
        var conversation = Guid.NewGuid();
        var three = new KvSnapshot(conversation, 3, [layout], new byte[24]);
        var four = new KvSnapshot(conversation, 4, [layout with { PastName = "past_key_values.0.value" }], new byte[32]);

        Assert.Throws<ArgumentException>(() => KvSnapshot.Merge(three, four));
        Assert.Throws<ArgumentException>(() => KvSnapshot.Merge(three, three));
        Assert.Throws<ArgumentException>(() => new KvSnapshot(conversation, 3, [layout], new byte[20]));
    }
}
