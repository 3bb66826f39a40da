using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;
using EdgeLam.Testing;

namespace EdgeLam.Inference.Tests.Ranges;

/// <summary>
/// A conversation runs on layout A (gateway [0, 2), peer [2, 4)) of a 4-block tiny model split at every block, then
/// moves at step n to layout B (gateway [0, 1), peer [1, 4)) prepared beside A: by KV handover or by replay.
/// </summary>
[Collection(nameof(ModelsCollection))]
public sealed class RangeMoveTests(ModelsFixture models)
{
    private const int Blocks = 4;
    private const int NewTokens = 12;
    private static readonly ChainOptions Limits = new() { ContextLimit = 128 };

    private string Model => models.Preset("tiny", Blocks);

    private BlockLibrary Library => BlockLibrary.Open(models.Runtime, models.Split(Model, 0, 1, 2, 3, 4));

    [Theory]
    [InlineData(1, false)]
    [InlineData(5, false)]
    [InlineData(11, false)]
    [InlineData(5, true)]
    public void Handover_MovedAtStepN_SameGreedyTokensAsUnsplitModel(int moveAt, bool fromExport)
    {
        var prompt = PipelineFactory.Prompt(9, 512);
        var expected = Reference(prompt);

        var tokens = RunAndMove(prompt, moveAt, fromExport, (library, a, b, conversation, _) =>
        {
            // Each new chain takes what it hosts: the gateway's block 0 from the old gateway; the peer's block 1 from
            // the old gateway (the block that changes owner: it crosses the link, encoded) and blocks 2-3 from the old peer.
            b.Gateway.ImportKv(a.Gateway.ExportKv(conversation, library.KvTensors(a.GatewayLayers, b.GatewayLayers)));
            var crossing = KvSnapshotCodec.Decode(KvSnapshotCodec.Encode(a.Gateway.ExportKv(conversation, library.KvTensors(a.GatewayLayers, b.PeerLayers))));
            var kept = a.Peer.ExportKv(conversation, library.KvTensors(a.PeerLayers, b.PeerLayers));
            b.Peer.ImportKv(KvSnapshot.Merge(crossing, kept));
            Assert.Equal(2, crossing.Tensors.Count);
        });

        Assert.Equal(expected, tokens);
    }

    [Fact]
    public void FromExport_MiddleRange_OneMergedSegmentCutAtRunTime()
    {
        using var work = new TempDirectory("edgelam-ranges-");
        var library = BlockLibrary.FromExport(models.Runtime, Model, work.Path);

        using var middle = library.Open(library.Range(1, 3), Limits);
        using var whole = library.Open(library.Range(0, Blocks), Limits);

        Assert.Equal(Blocks, library.Blocks);
        Assert.Equal(new SegmentRange(1, 1, 3), middle.Range);
        Assert.Equal(SegmentRange.All(1), whole.Range);
        Assert.Equal(library.Map.KvTensors(1, 2), library.KvTensors(library.Range(0, 2), library.Range(1, Blocks)));
        Assert.Equal(["past_key_values.1.key", "past_key_values.1.value"], library.Map.KvTensors(1, 2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Replay_MovedAtStepN_SameGreedyTokensAsUnsplitModel(int moveAt)
    {
        var prompt = PipelineFactory.Prompt(9, 512);
        var expected = Reference(prompt);

        var tokens = RunAndMove(prompt, moveAt, false, (_, _, b, conversation, history) =>
        {
            b.Gateway.RunTokens(conversation, history);
            b.Peer.RunIncoming(conversation, b.Gateway.Outgoing, history.Length);
        });

        Assert.Equal(expected, tokens);
    }

    [Fact]
    public void PerBlockChain_WholeModel_SameLogitsAsUnsplitModel()
    {
        using var perBlock = Library.Open(new LayerRange(0, Blocks, Blocks), Limits);
        using var whole = SegmentChain.Open(models.Runtime, Model, Limits);
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();

        perBlock.RunTokens(a, PipelineFactory.Prompt(9, 512));
        whole.RunTokens(b, PipelineFactory.Prompt(9, 512));
        var prefill = MaxDifference(perBlock.Logits, whole.Logits);
        perBlock.RunTokens(a, [42]);
        whole.RunTokens(b, [42]);

        Assert.Equal(6, perBlock.Segments.Count);
        // The README's float32 tolerance; measured 0 on x86-64 (ORT 1.32, one thread).
        Assert.InRange(prefill, 0f, 1e-4f);
        Assert.InRange(MaxDifference(perBlock.Logits, whole.Logits), 0f, 1e-4f);
    }

    [Fact]
    public void PerBlockChain_MiddleRange_SameOutgoingAsMergedSegment()
    {
        using var gateway = Library.Open(new LayerRange(0, 1, Blocks), Limits);
        using var perBlock = Library.Open(new LayerRange(1, 3, Blocks), Limits);
        using var merged = SegmentChain.Open(models.Runtime, models.Split(Model, 1, 3), 1, 1, Limits);
        var conversation = Guid.NewGuid();
        gateway.RunTokens(conversation, PipelineFactory.Prompt(9, 512));

        perBlock.RunIncoming(conversation, gateway.Outgoing, 9);
        merged.RunIncoming(conversation, gateway.Outgoing, 9);

        Assert.Equal(2, perBlock.Segments.Count);
        Assert.Equal(merged.OutgoingNames, perBlock.OutgoingNames);
        for (var i = 0; i < merged.Outgoing.Length; i++)
        {
            Assert.InRange(MaxDifference(ReferenceDecoder.ToFloats(perBlock.Outgoing[i]), ReferenceDecoder.ToFloats(merged.Outgoing[i])), 0f, 1e-4f);
        }
    }

    [Fact]
    public void Decode_PerBlockChainsAfterHandover_AllocatesNoManagedMemory()
    {
        var library = Library;
        using var a = Layout.Open(library, 2, Limits);
        using var b = Layout.Open(library, 1, Limits);
        var conversation = Guid.NewGuid();
        var token = new long[] { a.Step(conversation, PipelineFactory.Prompt(40, 512)) };
        b.Gateway.ImportKv(a.Gateway.ExportKv(conversation, library.KvTensors(a.GatewayLayers, b.GatewayLayers)));
        b.Peer.ImportKv(KvSnapshot.Merge(
            a.Gateway.ExportKv(conversation, library.KvTensors(a.GatewayLayers, b.PeerLayers)),
            a.Peer.ExportKv(conversation, library.KvTensors(a.PeerLayers, b.PeerLayers))));

        // 40 positions put the caches in the 64-position bucket; 4 warm-up steps build its decode runs.
        for (var i = 0; i < 4; i++)
        {
            token[0] = b.Step(conversation, token);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 48; i++)
        {
            if (b.Peer.Length(conversation) >= 60)
            {
                b.Gateway.Rewind(conversation, 44);
                b.Peer.Rewind(conversation, 44);
            }

            token[0] = b.Step(conversation, token);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(4, b.Peer.Segments.Count);
        Assert.Equal(60, b.Peer.Length(conversation));
        Assert.True(allocated == 0, allocated + " bytes on the decoding thread");
    }

    private List<long> Reference(long[] prompt)
    {
        using var reference = new ReferenceDecoder(models.Runtime, Path.Combine(Model, "model.onnx"));
        return reference.Greedy(prompt, NewTokens);
    }

    /// <summary>Generates on layout A (from the per-block split, or cut out of the whole export), moves after <paramref name="moveAt"/> tokens with <paramref name="move"/>, finishes on layout B.</summary>
    private List<long> RunAndMove(long[] prompt, int moveAt, bool fromExport, Action<BlockLibrary, Layout, Layout, Guid, long[]> move)
    {
        using var work = new TempDirectory("edgelam-ranges-");
        var library = fromExport ? BlockLibrary.FromExport(models.Runtime, Model, work.Path) : Library;
        var a = Layout.Open(library, 2, Limits);
        var conversation = Guid.NewGuid();
        var tokens = new List<long> { a.Step(conversation, prompt) };
        while (tokens.Count < moveAt)
        {
            tokens.Add(a.Step(conversation, [tokens[^1]]));
        }

        // Prepare B beside A, move the conversation (the history: every position A holds; the last token is pending).
        using var b = Layout.Open(library, 1, Limits);
        using (a)
        {
            move(library, a, b, conversation, [.. prompt, .. tokens[..^1]]);
        }

        // A is gone (sessions and caches freed): B shares nothing with it.
        Assert.Equal(prompt.Length + moveAt - 1, b.Peer.Length(conversation));
        while (tokens.Count < NewTokens)
        {
            tokens.Add(b.Step(conversation, [tokens[^1]]));
        }

        return tokens;
    }

    private static float MaxDifference(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Assert.Equal(x.Length, y.Length);
        var max = 0f;
        for (var i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, Math.Abs(x[i] - y[i]));
        }

        return max;
    }
}
