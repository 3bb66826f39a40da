using EdgeLam.Inference.Segments;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Inference.Tests;

[Collection(nameof(ModelsCollection))]
public sealed class ConversationTests(ModelsFixture models)
{
    [Fact]
    public void Decode_PastContextLimit_ThrowsContextOverflow()
    {
        using var pipeline = PipelineFactory.Open(models, models.Preset("tiny"), contextLimit: 32);
        var conversation = Guid.NewGuid();
        pipeline.Prefill(conversation, PipelineFactory.Prompt(30, 512));
        pipeline.Decode(conversation, 5);
        pipeline.Decode(conversation, 6);

        var error = Assert.Throws<ContextOverflowException>(() => pipeline.Decode(conversation, 7));

        Assert.Equal(32, error.Length);
        Assert.Equal(32, error.Limit);
        Assert.Throws<ContextOverflowException>(() => pipeline.Prefill(Guid.NewGuid(), PipelineFactory.Prompt(33, 512)));
    }

    [Fact]
    public void Prefill_ContinuationPastHalfTheContext_SameLogitsAsOnePrefill()
    {
        // A second multi-position prefill at 100 of 128 positions: its mask is [capacity 128 + 28 new] entries, more
        // than the limit + 1 a decode step needs (the pipeline's mask buffer once overflowed here).
        using var pipeline = PipelineFactory.Open(models, models.Preset("tiny"), contextLimit: 128);
        var prompt = PipelineFactory.Prompt(128, 512);
        var chunked = Guid.NewGuid();
        pipeline.Prefill(chunked, prompt.AsSpan(0, 100));
        pipeline.Prefill(chunked, prompt.AsSpan(100, 20));

        var fromChunks = pipeline.Prefill(chunked, prompt.AsSpan(120, 8)).ToArray();
        var fromOne = pipeline.Prefill(Guid.NewGuid(), prompt).ToArray();

        Assert.Equal(128, pipeline.Length(chunked));
        Assert.All(fromOne.Zip(fromChunks), p => Assert.Equal(p.First, p.Second, 1e-4f));
    }

    [Fact]
    public void Conversations_OverMemoryBudget_EvictLeastRecentlyUsed()
    {
        // tiny: 2 layers x (key + value) x 2 KV heads x head size 16 x 4 bytes = 512 bytes per position;
        // a new conversation takes the 16-position bucket (8 KiB), so 20 KiB holds two.
        using var pipeline = PipelineFactory.Open(models, models.Preset("tiny"), budget: 20 * 1024);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        pipeline.Prefill(a, [10, 11, 12]);
        pipeline.Prefill(b, [20, 21, 22]);
        pipeline.Decode(a, 13);

        pipeline.Prefill(c, [30, 31, 32]);

        Assert.Throws<ConversationNotFoundException>(() => pipeline.Decode(b, 23));
        pipeline.Decode(a, 14);
        pipeline.Decode(c, 33);
        Assert.Equal(1, pipeline.Segments[0].Conversations.Evictions);
        Assert.Equal(0, pipeline.Length(b));
    }

    [Fact]
    public void Drop_HeldConversation_ForgetsIt()
    {
        using var pipeline = PipelineFactory.Open(models, models.Preset("tiny"));
        var conversation = Guid.NewGuid();
        pipeline.Prefill(conversation, [1, 2, 3]);

        Assert.True(pipeline.Drop(conversation));

        Assert.Equal(0, pipeline.Segments[0].Conversations.Bytes);
        Assert.Throws<ConversationNotFoundException>(() => pipeline.Decode(conversation, 4));
        Assert.False(pipeline.Drop(conversation));
    }

    [Fact]
    public void Prefill_ContinuedConversation_SameLogitsAsOnePrefill()
    {
        var prompt = PipelineFactory.Prompt(20, 512);
        using var pipeline = PipelineFactory.Open(models, models.Preset("tiny"));
        var whole = pipeline.Prefill(Guid.NewGuid(), prompt).ToArray();
        var conversation = Guid.NewGuid();
        pipeline.Prefill(conversation, prompt.AsSpan(0, 12));

        var continued = pipeline.Prefill(conversation, prompt.AsSpan(12)).ToArray();

        Assert.Equal(20, pipeline.Length(conversation));
        for (var i = 0; i < whole.Length; i++)
        {
            Assert.True(Math.Abs(whole[i] - continued[i]) < 1e-4f, "logit " + i + ": " + whole[i] + " vs " + continued[i]);
        }
    }

    [Fact]
    public void Rewind_ThenSameToken_SameLogitsAsFirstTime()
    {
        using var pipeline = PipelineFactory.Open(models, models.Preset("tiny"));
        var conversation = Guid.NewGuid();
        pipeline.Prefill(conversation, PipelineFactory.Prompt(10, 512));
        var first = pipeline.Decode(conversation, 42).ToArray();
        pipeline.Decode(conversation, 43);
        pipeline.Decode(conversation, 44);

        pipeline.Rewind(conversation, 10);
        var again = pipeline.Decode(conversation, 42).ToArray();

        Assert.Equal(11, pipeline.Length(conversation));
        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, WireCodec.Raw)]
    [InlineData(true, WireCodec.Int8Block32)]
    public void Decode_SteadyState_AllocatesNoManagedMemory(bool split, WireCodec? wire)
    {
        var dir = models.Preset("tiny");
        using var pipeline = PipelineFactory.Open(models, split ? models.Split(dir, 1) : dir, wire);
        var conversation = Guid.NewGuid();

        // 40 prompt positions put the cache in the 64-position bucket; 4 warm-up steps build that bucket's decode
        // runs, then 16 more steps stay inside it.
        var logits = pipeline.Prefill(conversation, PipelineFactory.Prompt(40, 512));
        long token = 0;
        for (var i = 0; i < 4; i++)
        {
            token = ArgMax(logits);
            logits = pipeline.Decode(conversation, token);
        }

        // 48 measured steps, rewinding to 44 positions whenever the conversation reaches 60 (same bucket).
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < 48; i++)
        {
            if (pipeline.Length(conversation) >= 60)
            {
                pipeline.Rewind(conversation, 44);
            }

            token = ArgMax(logits);
            logits = pipeline.Decode(conversation, token);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var allThreads = GC.GetTotalAllocatedBytes(precise: true) - total;

        Assert.Equal(60, pipeline.Length(conversation));
        Assert.True(allocated == 0, allocated + " bytes on the decoding thread (" + allThreads + " on all threads)");
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(16, 16)]
    [InlineData(17, 32)]
    [InlineData(100, 128)]
    [InlineData(200, 200)]
    public void KvCapacity_Positions_PowerOfTwoBucketClampedToLimit(int positions, int expected) =>
        Assert.Equal(expected, KvCapacity.For(positions, 200));

    private static long ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
