using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;

namespace EdgeLam.Benchmarks;

/// <summary>
/// Layer ranges at run time on the <c>small</c> preset (12 blocks), side by side in one run. "decode": one decode step
/// (at 129-250 positions) of the whole model chained from its 14 per-block segments (embedding, 12 blocks, head)
/// against the unsplit model (baseline). "move N": moving a conversation of N positions from layout A (gateway
/// blocks [0, 6), peer [6, 12)) to layout B (gateway [0, 5), peer [5, 12)), both opened from the per-block split:
/// KV handover (export block 5 from the old gateway through <see cref="KvSnapshotCodec"/>, export blocks 6-11 from
/// the old peer, merge, import into the new peer; blocks 0-4 into the new gateway) against replay (the N-position
/// prefill through layout B, baseline). Link time is not included: the crossing bytes are printed at setup.
/// <c>dotnet run -c Release --project bench/EdgeLam.Benchmarks -- --filter '*RangeBenchmarks*'</c>.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[IterationTime(1000)]
[IterationCount(15)]
[WarmupCount(3)]
public class RangeBenchmarks
{
    private const int Blocks = 12;
    private const int PromptLength = 128;
    private static readonly Guid Decoding = new("7a1d2c3b-4a59-6877-8695-a4b3c2d1e0f9");
    internal static readonly ChainOptions Limits = new() { ContextLimit = 1024 };
    internal static readonly Lazy<BlockLibrary> Library = new(() => BlockLibrary.Open(InferenceModels.Runtime, PerBlockSplit()));
    private static readonly Lazy<SegmentChain> Unsplit = new(() => SegmentChain.Open(InferenceModels.Runtime, InferenceModels.Small, Limits));
    private static readonly Lazy<SegmentChain> PerBlock = new(() => Library.Value.Open(Library.Value.Range(0, Blocks), Limits));
    private static readonly Lazy<(SegmentChain Gateway, SegmentChain Peer)> LayoutA = new(() => OpenLayout(6));
    private static readonly Lazy<(SegmentChain Gateway, SegmentChain Peer)> LayoutB = new(() => OpenLayout(5));
    private static readonly Dictionary<int, Guid> Moved = [];

    [GlobalSetup]
    public void Setup()
    {
        foreach (var chain in new[] { Unsplit.Value, PerBlock.Value })
        {
            chain.Drop(Decoding);
            chain.RunTokens(Decoding, InferenceModels.Prompt(PromptLength));
        }

        // One conversation per context length held by layout A, to be moved again and again.
        var (gateway, peer) = LayoutA.Value;
        foreach (var positions in new[] { 64, 512 })
        {
            var conversation = Moved.TryGetValue(positions, out var held) ? held : Moved[positions] = Guid.NewGuid();
            gateway.Drop(conversation);
            peer.Drop(conversation);
            gateway.RunTokens(conversation, InferenceModels.Prompt(positions));
            peer.RunIncoming(conversation, gateway.Outgoing, positions);
            var crossing = gateway.ExportKv(conversation, Library.Value.KvTensors(Library.Value.Range(0, 6), Library.Value.Range(5, Blocks)));
            Replay(positions);
            long activations = 0;
            foreach (var value in LayoutB.Value.Gateway.Outgoing)
            {
                activations += value.GetBytes().Length;
            }

            Console.WriteLine($"// move {positions}: handover crosses {KvSnapshotCodec.Encode(crossing).Length} bytes (encoded KV of block 5); replay crosses {activations} bytes of raw activations at cut 5 (plus the token ids to the gateway)");
        }
    }

    [Benchmark(Baseline = true, Description = "decode step: unsplit")]
    [BenchmarkCategory("decode")]
    public float DecodeUnsplit() => Decode(Unsplit.Value);

    [Benchmark(Description = "decode step: 14 per-block segments chained")]
    [BenchmarkCategory("decode")]
    public float DecodePerBlock() => Decode(PerBlock.Value);

    [Benchmark(Baseline = true, Description = "move 64: replay")]
    [BenchmarkCategory("move 64")]
    public int Replay64() => Replay(64);

    [Benchmark(Description = "move 64: KV handover")]
    [BenchmarkCategory("move 64")]
    public int Handover64() => Handover(64);

    [Benchmark(Baseline = true, Description = "move 512: replay")]
    [BenchmarkCategory("move 512")]
    public int Replay512() => Replay(512);

    [Benchmark(Description = "move 512: KV handover")]
    [BenchmarkCategory("move 512")]
    public int Handover512() => Handover(512);

    private static float Decode(SegmentChain chain)
    {
        if (chain.Length(Decoding) >= 250)
        {
            chain.Rewind(Decoding, PromptLength);
        }

        chain.RunTokens(Decoding, [17]);
        return chain.Logits[0];
    }

    private static int Replay(int positions)
    {
        var (gateway, peer) = LayoutB.Value;
        var conversation = Moved[positions];
        gateway.Drop(conversation);
        peer.Drop(conversation);
        gateway.RunTokens(conversation, InferenceModels.Prompt(positions));
        peer.RunIncoming(conversation, gateway.Outgoing, positions);
        return peer.Length(conversation);
    }

    private static int Handover(int positions)
    {
        var library = Library.Value;
        var (oldGateway, oldPeer) = LayoutA.Value;
        var (gateway, peer) = LayoutB.Value;
        var conversation = Moved[positions];
        LayerRange a0 = library.Range(0, 6), a1 = library.Range(6, Blocks), b0 = library.Range(0, 5), b1 = library.Range(5, Blocks);
        gateway.ImportKv(oldGateway.ExportKv(conversation, library.KvTensors(a0, b0)));
        var crossing = KvSnapshotCodec.Decode(KvSnapshotCodec.Encode(oldGateway.ExportKv(conversation, library.KvTensors(a0, b1))));
        peer.ImportKv(KvSnapshot.Merge(crossing, oldPeer.ExportKv(conversation, library.KvTensors(a1, b1))));
        return peer.Length(conversation);
    }

    private static (SegmentChain Gateway, SegmentChain Peer) OpenLayout(int cut) =>
        (Library.Value.Open(Library.Value.Range(0, cut), Limits), Library.Value.Open(Library.Value.Range(cut, Blocks), Limits));

    private static string PerBlockSplit()
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("edgelam-range-bench-").FullName, "small-split-every-block");
        ModelSplitter.Split(ModelFile.Load(Path.Combine(InferenceModels.Small, "model.onnx")), SplitPlan.AtBoundaries([.. Enumerable.Range(0, Blocks + 1)]), dir);
        return dir;
    }
}
