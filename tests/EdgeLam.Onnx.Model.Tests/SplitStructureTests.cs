using System.Security.Cryptography;
using EdgeLam.Core.Npy;
using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Segment validity, boundary tensors, manifest contents and the generality fallbacks.</summary>
[Collection(nameof(OrtCollection))]
public class SplitStructureTests(OrtFixture ort)
{
    [Theory]
    [InlineData("tiny-llama-fp16/model.onnx", "0,1,2")]
    [InlineData("bert-toy/bert_toy_optimized.onnx", "0,1,2,3,4,5")]
    public void Split_EverySegment_IsSortedSelfContainedKeepsOpsetsAndLoadsInOrt(string model, string boundaries)
    {
        var source = ModelFile.Load(Path.Combine(TestPaths.SharedModels, model));
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.ParseBoundaries(boundaries), temp.Path);

        foreach (var segment in manifest.Segments)
        {
            var path = temp.Combine(segment.Files[0].Name);
            var part = ModelFile.Load(path);
            Assert.Equal(source.Proto.IrVersion, part.Proto.IrVersion);
            Assert.Equal(source.Proto.OpsetImport, part.Proto.OpsetImport);

            // Stored order is topological and every read name is defined before use.
            var defined = new HashSet<string>(part.Graph.Input.Select(i => i.Name).Concat(part.Graph.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
            foreach (var node in part.Graph.Node)
            {
                Assert.All(node.Input.Where(i => i.Length > 0), i => Assert.Contains(i, defined));
                foreach (var o in node.Output)
                {
                    defined.Add(o);
                }
            }

            Assert.All(part.Graph.Output, o => Assert.Contains(o.Name, defined));

            using var runner = ort.Open(path);
            Assert.Equal(
                segment.OriginalInputs.Concat(segment.BoundaryInputs.Select(b => b.Name)).Order(StringComparer.Ordinal),
                runner.Inputs.Select(i => i.Name).Order(StringComparer.Ordinal));
            Assert.Equal(
                segment.OriginalOutputs.Concat(segment.BoundaryOutputs.Select(b => b.Name)).Distinct().Order(StringComparer.Ordinal),
                runner.Outputs.Select(o => o.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Split_BertAtBlock1_ShipsOnlyTheHiddenState()
    {
        // Layer 0 ends with LayerNorm Add_142 -> '239', read by layer 1's Q/K/V MatMuls and its residual Add_219.
        // The extended attention mask '103' (from input_mask only) is recomputed in segment 1, not shipped.
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.AtBoundaries(1), temp.Path);

        var boundary = Assert.Single(manifest.Segments[1].BoundaryInputs);
        Assert.Equal("239", boundary.Name);
        Assert.Equal("float32", boundary.Dtype);
        Assert.Equal(["input_mask"], manifest.Segments[1].OriginalInputs);
        Assert.Equal(["input_ids", "token_type_ids", "input_mask"], manifest.Segments[0].OriginalInputs);
    }

    [Fact]
    public void Split_BertAtEmbeddingBoundary_HandsOverTheNormalisedEmbedding()
    {
        // Embeddings: word + position + token type Gathers, Add_13/Add_14, LayerNorm ending in Add_26 -> '123'.
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.AtBoundaries(0), temp.Path);

        Assert.True(manifest.Segments[0].Embedding);
        Assert.Equal(["123"], manifest.Segments[0].BoundaryOutputs.Select(b => b.Name));
        Assert.Equal(["batch", "max_seq_len_in_batch", "32"], manifest.Segments[0].BoundaryOutputs[0].Shape);
    }

    [Fact]
    public void Split_BertBeforeHead_CopiesTiedEmbeddingIntoBothSegments()
    {
        // The MLM decoder reuses bert.embeddings.word_embeddings.weight (Transpose_634): each side gets a copy.
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.AtBoundaries(5), temp.Path);

        foreach (var segment in manifest.Segments)
        {
            var part = ModelFile.Load(temp.Combine(segment.Files[0].Name));
            Assert.Contains(part.Graph.Initializer, i => i.Name == "bert.embeddings.word_embeddings.weight");
        }

        Assert.Equal(["703"], manifest.Segments[1].BoundaryInputs.Select(b => b.Name));
        Assert.True(manifest.Segments[1].Head);
    }

    [Fact]
    public void Split_TinyLlamaAtBlock1_ShipsResidualPairAndPastLengthButNotTheMask()
    {
        // genai's fused residual: layer 1's SkipSimplifiedLayerNormalization reads layer 0's residual sum (output_3)
        // and MLP output. The mask is rebuilt from attention_mask; its past-length Shape() reads past_key_values.0.key,
        // which belongs to block 0, so only that int64[4] shape crosses instead of block 0's KV cache.
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.AtBoundaries(1), temp.Path);
        var second = manifest.Segments[1];

        Assert.Equal(
            ["/model/attn_mask_reformat/past_key_subgraph/Shape/output_0", "/model/layers.0/mlp/down_proj/MatMul/output_0", "/model/layers.0/post_attention_layernorm/output_3"],
            second.BoundaryInputs.Select(b => b.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(second.OriginalInputs, i => i.StartsWith("past_key_values.0", StringComparison.Ordinal));
        Assert.Equal(["past_key_values.1.key", "past_key_values.1.value"], second.KvInputs);
        Assert.Equal(["present.1.key", "present.1.value"], second.KvOutputs);
        Assert.Equal(["past_key_values.0.key", "past_key_values.0.value"], manifest.Segments[0].KvInputs);
        Assert.Equal(["present.0.key", "present.0.value"], manifest.Segments[0].KvOutputs);
        Assert.Equal(["batch_size", "sequence_length", "16"], second.BoundaryInputs.Single(b => b.Name.EndsWith("output_3", StringComparison.Ordinal)).Shape);
    }

    [Fact]
    public void Split_Manifest_RecordsDigestsOfSourceAndEveryFile()
    {
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.AtBoundaries(1), temp.Path);
        var reread = ModelSplitter.ReadManifest(temp.Path);

        Assert.Equal(Hash(SharedModelPaths.TinyLlama), manifest.Source.Sha256);
        Assert.Equal(Hash(Path.Combine(SharedModelPaths.TinyLlamaDirectory, "model.onnx.data")), manifest.Source.DataFiles.Single().Sha256);
        Assert.Equal(2, reread.BlockCount);
        Assert.Equal(2, reread.Blocks.Count);
        foreach (var file in reread.Segments.SelectMany(s => s.Files))
        {
            Assert.Equal(Hash(temp.Combine(file.Name)), file.Sha256);
            Assert.Equal(new FileInfo(temp.Combine(file.Name)).Length, file.Bytes);
        }

        Assert.Equal([0, 1], reread.Segments.Select(s => s.FirstBlock));
        Assert.Equal([1, 2], reread.Segments.Select(s => s.EndBlock));
        Assert.All(reread.Blocks, b => Assert.True(b.WeightBytes > 0 && b.FlopsPerToken > 0));
    }

    [Fact]
    public void Split_TamperedSegmentFile_IsRejectedWhenOpening()
    {
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();
        var manifest = ModelSplitter.Split(source, SplitPlan.AtBoundaries(2), temp.Path);
        var data = temp.Combine(manifest.Segments[1].Files[1].Name);
        var bytes = File.ReadAllBytes(data);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(data, bytes);

        var error = Assert.Throws<ModelFormatException>(() => SplitModelRunner.Open(temp.Path, ort.Open));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_AnonymizedTinyLlama_StillReproducesTheOriginalOutputs()
    {
        // No node names, no weight names, opaque intermediate names: only past_key_values.N / present.N remain.
        var original = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();
        ModelVariants.WriteAnonymized(original, temp.Combine("anon", "model.onnx"));
        var anonymized = ModelFile.Load(temp.Combine("anon", "model.onnx"));

        ModelSplitter.Split(anonymized, SplitPlan.AtBoundaries(1), temp.Combine("split"));

        using var whole = ort.Open(SharedModelPaths.TinyLlama);
        using var chain = SplitModelRunner.Open(temp.Combine("split"), ort.Open);
        foreach (var c in new[] { "prefill", "decode" })
        {
            var inputs = NpyDirectory.ReadAll(Path.Combine(SharedModelPaths.TinyLlamaDirectory, "cases", c, "inputs"));
            TensorAssert.Close(whole.Run(inputs), chain.Run(inputs), "anonymized tiny-llama " + c);
        }
    }

    [Fact]
    public void Split_ManualTensorCut_ReproducesTheUnsplitOutputs()
    {
        var source = ModelFile.Load(SharedModelPaths.TinyLlama);
        using var temp = new TempDirectory();
        var plan = SplitPlan.ParseTensorCuts(
            "/model/layers.0/post_attention_layernorm/output_3+/model/layers.0/mlp/down_proj/MatMul/output_0");

        var manifest = ModelSplitter.Split(source, plan, temp.Path);

        Assert.Equal(2, manifest.Segments.Count);
        using var whole = ort.Open(SharedModelPaths.TinyLlama);
        using var chain = SplitModelRunner.Open(temp.Path, ort.Open);
        var inputs = NpyDirectory.ReadAll(Path.Combine(SharedModelPaths.TinyLlamaDirectory, "cases", "decode", "inputs"));
        TensorAssert.Close(whole.Run(inputs), chain.Run(inputs), "manual cut");
    }

    [Fact]
    public void Split_BalancedThreeSegments_MinimisesTheHeaviestSegment()
    {
        var source = ModelFile.Load(SharedModelPaths.BertToy);
        using var temp = new TempDirectory();

        var manifest = ModelSplitter.Split(source, SplitPlan.Balanced(3), temp.Path);

        Assert.Equal(3, manifest.Segments.Count);
        var heaviest = manifest.Segments.Max(s => s.FlopsPerToken);

        // Brute force over every pair of boundaries with the per-block FLOPs of a finer split.
        using var fine = new TempDirectory();
        var all = ModelSplitter.Split(source, SplitPlan.AtBoundaries(0, 1, 2, 3, 4, 5), fine.Path);
        var stage = all.Segments.Select(s => s.FlopsPerToken).ToArray(); // embedding, blocks 0..4, head
        var best = long.MaxValue;
        for (var a = 0; a <= 5; a++)
        {
            for (var b = a + 1; b <= 5; b++)
            {
                // Boundary x lies before block x, i.e. after stage index x (stage 0 is the embedding).
                var parts = new[] { stage[..(a + 1)].Sum(), stage[(a + 1)..(b + 1)].Sum(), stage[(b + 1)..].Sum() };
                best = Math.Min(best, parts.Max());
            }
        }

        Assert.Equal(best, heaviest);
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
