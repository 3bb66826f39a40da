using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Interop;

namespace EdgeLam.Inference.Tests.Chain;

[Collection(nameof(ModelsCollection))]
public sealed class SegmentChainTests(ModelsFixture models)
{
    private static readonly ChainOptions Limits = new() { ContextLimit = 64 };

    [Fact]
    public void RunTokens_FirstMiddleAndLastRangeChainedByHand_SameLogitsAsWholeModel()
    {
        // tiny split at the embedding and after block 0: segments 0 (embedding), 1 (block 0), 2 (block 1 and head).
        var split = models.Split(models.Preset("tiny"), 0, 1);
        using var whole = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);
        using var first = SegmentChain.Open(models.Runtime, split, 0, 0, Limits);
        using var middle = SegmentChain.Open(models.Runtime, split, 1, 1, Limits);
        using var last = SegmentChain.Open(models.Runtime, split, 2, 2, Limits);
        var prompt = PipelineFactory.Prompt(9, 512);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();

        whole.RunTokens(a, prompt);
        var expectedPrefill = whole.Logits.ToArray();
        whole.RunTokens(a, [42]);
        var expectedDecode = whole.Logits.ToArray();
        var prefill = StepByHand(first, middle, last, b, prompt);
        var decode = StepByHand(first, middle, last, b, [42]);

        Assert.True(first.Range.IsFirst && !middle.Range.IsFirst && !middle.Range.IsLast && last.Range.IsLast);
        AssertClose(expectedPrefill, prefill);
        AssertClose(expectedDecode, decode);
        Assert.Equal(10, last.Length(b));
        Assert.Equal(10, middle.Length(b));
    }

    [Fact]
    public void DropIdle_ConversationsIdleLongerThanTheHorizon_DroppedOthersKept()
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);
        Guid old = Guid.NewGuid(), recent = Guid.NewGuid();
        chain.RunTokens(old, PipelineFactory.Prompt(5, 512));
        Thread.Sleep(1500);
        chain.RunTokens(recent, PipelineFactory.Prompt(4, 512));

        Assert.Equal(0, chain.DropIdle(TimeSpan.FromHours(1)));
        Assert.Equal(1, chain.DropIdle(TimeSpan.FromMilliseconds(1000)));

        Assert.Equal(0, chain.Length(old));
        Assert.Equal(4, chain.Length(recent));
        Assert.Equal(1, chain.Conversations);
    }

    [Fact]
    public void PrefillTotals_PrefillsAndDecodes_OnlyThePrefillsCount()
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();

        chain.RunTokens(a, PipelineFactory.Prompt(9, 512));
        var afterFirst = chain.PrefillTicks;
        chain.RunTokens(a, [42]);
        chain.RunTokens(b, PipelineFactory.Prompt(5, 512));

        Assert.Equal(14, chain.PrefillPositions);
        Assert.True(afterFirst > 0);
        Assert.True(chain.PrefillTicks > afterFirst);
    }

    [Fact]
    public void Open_RangeOutsideModel_InferenceExceptionNamingSegments()
    {
        var split = models.Split(models.Preset("tiny"), 1);

        var error = Assert.Throws<InferenceException>(() => SegmentChain.Open(models.Runtime, split, 1, 2, Limits));

        Assert.Contains("1-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunIncoming_OnFirstRange_InvalidOperation()
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Split(models.Preset("tiny"), 1), 0, 0, Limits);

        Assert.Throws<InvalidOperationException>(() => chain.RunIncoming(Guid.NewGuid(), [], 1));
        Assert.Equal(0, chain.VocabularySize);
        Assert.NotEmpty(chain.OutgoingNames);
    }

    [Fact]
    public void RunTokens_PastContextLimit_ContextOverflowAndConversationKept()
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);
        var conversation = Guid.NewGuid();
        chain.RunTokens(conversation, PipelineFactory.Prompt(60, 512));

        Assert.Throws<ContextOverflowException>(() => chain.RunTokens(conversation, PipelineFactory.Prompt(5, 512)));

        Assert.Equal(60, chain.Length(conversation));
        chain.RunTokens(conversation, [7]);
        Assert.Equal(61, chain.Length(conversation));
    }

    [Fact]
    public void Skip_EmbeddingOnlyChain_AdvancesWithoutComputing()
    {
        using var embedding = SegmentChain.Open(models.Runtime, models.Split(models.Preset("tiny"), 0), 0, 0, Limits);
        var conversation = Guid.NewGuid();

        embedding.Skip(conversation, 5);

        Assert.Equal(5, embedding.Length(conversation));
        Assert.Equal(0, embedding.LastComputeTicks);
        Assert.True(embedding.Drop(conversation));
        Assert.Equal(0, embedding.Length(conversation));
    }

    [Fact]
    public void Skip_ChainWithKvCache_InferenceException()
    {
        using var chain = SegmentChain.Open(models.Runtime, models.Preset("tiny"), Limits);

        Assert.Throws<InferenceException>(() => chain.Skip(Guid.NewGuid(), 3));
    }

    private static float[] StepByHand(SegmentChain first, SegmentChain middle, SegmentChain last, Guid conversation, long[] tokens)
    {
        first.RunTokens(conversation, tokens);
        middle.RunIncoming(conversation, Copy(first.Outgoing), tokens.Length);
        last.RunIncoming(conversation, Copy(middle.Outgoing), tokens.Length);
        return last.Logits.ToArray();
    }

    private static OrtValue[] Copy(ReadOnlySpan<OrtValue> values) => values.ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4f, "logit " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }
}
