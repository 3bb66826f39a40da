using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Benchmarks;

/// <summary>
/// A chained split (block boundary 6, two segments in one process) against the unsplit <c>small</c> model, for a
/// 128-token prefill and for one decode step (at 129-250 positions, inside the 256-position cache bucket). Each
/// category has the unsplit run as its baseline, so the Ratio column is split / unsplit in one run; the Allocated
/// column is the managed bytes per operation (decode target: 0). The split runs with boundary tensors passed
/// directly, through raw activation frames, and through int8 frames.
/// A prefill takes longer than the shared 25 ms iteration, so this class runs iterations of one second (15 of them,
/// after 3 warm-ups): each iteration averages many decode steps and several prefills.
/// <c>dotnet run -c Release --project bench/EdgeLam.Benchmarks -- --filter '*InferenceBenchmarks*'</c>.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[IterationTime(1000)]
[IterationCount(15)]
[WarmupCount(3)]
public class InferenceBenchmarks
{
    private const int PromptLength = 128;
    private static readonly Guid Conversation = new("0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9");
    private static readonly long[] Prompt = InferenceModels.Prompt(PromptLength);
    private static readonly Lazy<InferencePipeline> UnsplitChain = new(() => InferenceModels.Open(InferenceModels.Small, null));
    private static readonly Lazy<InferencePipeline> SplitChain = new(() => InferenceModels.Open(InferenceModels.SmallSplit, null));
    private static readonly Lazy<InferencePipeline> RawChain = new(() => InferenceModels.Open(InferenceModels.SmallSplit, WireCodec.Raw));
    private static readonly Lazy<InferencePipeline> Int8Chain = new(() => InferenceModels.Open(InferenceModels.SmallSplit, WireCodec.Int8Block32));

    [GlobalSetup]
    public void Setup()
    {
        foreach (var chain in new[] { UnsplitChain, SplitChain, RawChain, Int8Chain })
        {
            var pipeline = chain.Value;
            pipeline.Drop(Conversation);
            pipeline.Prefill(Conversation, Prompt);
        }
    }

    [Benchmark(Baseline = true, Description = "prefill 128: unsplit")]
    [BenchmarkCategory("prefill")]
    public float PrefillUnsplit() => Prefill(UnsplitChain.Value);

    [Benchmark(Description = "prefill 128: split")]
    [BenchmarkCategory("prefill")]
    public float PrefillSplit() => Prefill(SplitChain.Value);

    [Benchmark(Description = "prefill 128: split, raw frames")]
    [BenchmarkCategory("prefill")]
    public float PrefillSplitRaw() => Prefill(RawChain.Value);

    [Benchmark(Description = "prefill 128: split, int8 frames")]
    [BenchmarkCategory("prefill")]
    public float PrefillSplitInt8() => Prefill(Int8Chain.Value);

    [Benchmark(Baseline = true, Description = "decode step: unsplit")]
    [BenchmarkCategory("decode")]
    public float DecodeUnsplit() => Decode(UnsplitChain.Value);

    [Benchmark(Description = "decode step: split")]
    [BenchmarkCategory("decode")]
    public float DecodeSplit() => Decode(SplitChain.Value);

    [Benchmark(Description = "decode step: split, raw frames")]
    [BenchmarkCategory("decode")]
    public float DecodeSplitRaw() => Decode(RawChain.Value);

    [Benchmark(Description = "decode step: split, int8 frames")]
    [BenchmarkCategory("decode")]
    public float DecodeSplitInt8() => Decode(Int8Chain.Value);

    private static float Prefill(InferencePipeline pipeline)
    {
        // A fresh conversation each time (its cache is allocated natively and zeroed: part of a real prefill).
        pipeline.Drop(Guid.Empty);
        return pipeline.Prefill(Guid.Empty, Prompt)[0];
    }

    private static float Decode(InferencePipeline pipeline)
    {
        if (pipeline.Length(Conversation) >= 250)
        {
            pipeline.Rewind(Conversation, PromptLength);
        }

        return pipeline.Decode(Conversation, 17)[0];
    }
}
