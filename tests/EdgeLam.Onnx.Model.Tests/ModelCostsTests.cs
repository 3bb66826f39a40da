using EdgeLam.Onnx.Model.Costs;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// The cost table read from exports. Expected figures are worked out by hand from the models' documented shapes
/// (../shared/README.md, the presets), not from the code under test.
/// </summary>
public class ModelCostsTests
{
    private static string Shared(string folder, string file = "model.onnx") => Path.Combine(TestPaths.SharedModels, folder, file);

    [Fact]
    public void Of_TinyLlamaFp16_KvIsFp16KeyAndValueOfOneHead()
    {
        // past key and value [batch, 1 head, past, 16] float16: 2 × 16 × 2 B = 64 B per position and block.
        var costs = ModelCosts.Of(ModelFile.Load(SharedModelPaths.TinyLlama));

        Assert.Equal(2, costs.BlockCount);
        Assert.All(costs.Blocks, b => Assert.Equal(64, b.KvBytesPerPosition));

        // logits [batch, sequence, 32000] float16.
        Assert.Equal(32000 * 2, costs.ResultBytesPerPosition);

        // Between the blocks two float16 hidden tensors of 16 cross (MLP output and the residual the fused
        // SkipSimplifiedLayerNormalization carries): 2 × 16 × 2 B. Float16 tensors travel raw, so every codec is the same.
        var cut = costs.Cuts[1];
        Assert.True(cut.Available);
        Assert.Equal(2, cut.Tensors.Count(t => t.ElementsPerPosition == 16));
        Assert.Equal(64, cut.RawBytesPerPosition);
        Assert.Equal(64, cut.Float16BytesPerPosition);
        Assert.Equal(64, cut.Int8Block32BytesPerPosition);
        Assert.DoesNotContain(cut.Tensors, t => t.UsesCodec);
    }

    [Fact]
    public void Of_Phi3Float32_SizesEveryCodecFromHidden96()
    {
        // 4 heads × head_dim 24, float32: key + value = 2 × 4 × 24 × 4 B = 768 B per position and block.
        var costs = ModelCosts.Of(ModelFile.Load(Shared("phi3-torchscript")));

        Assert.Equal(3, costs.BlockCount);
        Assert.All(costs.Blocks, b => Assert.Equal(768, b.KvBytesPerPosition));
        Assert.Equal(512 * 4, costs.ResultBytesPerPosition);

        // Between blocks only the float32 hidden state [batch, sequence, 96] crosses (mask and rotary are recomputed):
        // raw 96 × 4 = 384, fp16/bf16 96 × 2 = 192, int8 96 + 2 × ⌈96/32⌉ = 102. Type inference knows the embedding's
        // shape at boundary 0; the residual adds after it have no inferred shape and take the hidden width.
        foreach (var b in new[] { 0, 1, 2 })
        {
            var cut = costs.Cuts[b];
            Assert.Single(cut.Tensors);
            Assert.Equal(b > 0, cut.Tensors[0].ShapeAssumed);
            Assert.Equal(384, cut.RawBytesPerPosition);
            Assert.Equal(192, cut.Float16BytesPerPosition);
            Assert.Equal(192, cut.BFloat16BytesPerPosition);
            Assert.Equal(102, cut.Int8Block32BytesPerPosition);
        }
    }

    [Fact]
    public void Of_Qwen2Functions_KvHasTwoKvHeads()
    {
        // Grouped-query attention: 2 KV heads × head_dim 16, float32: 2 × 2 × 16 × 4 B = 256 B per position and block.
        var costs = ModelCosts.Of(ModelFile.Load(Shared("qwen2-torch-functions")));

        Assert.Equal(4, costs.BlockCount);
        Assert.All(costs.Blocks, b => Assert.Equal(256, b.KvBytesPerPosition));
        Assert.Equal(1024 * 4, costs.ResultBytesPerPosition);

        // Hidden 64 float32: raw 256, fp16 128, int8 64 + 2 × 2 = 68.
        Assert.Equal(256, costs.Cuts[2].RawBytesPerPosition);
        Assert.Equal(128, costs.Cuts[2].Float16BytesPerPosition);
        Assert.Equal(68, costs.Cuts[2].Int8Block32BytesPerPosition);
    }

    [Fact]
    public void Of_BertToy_NoKvCache()
    {
        var costs = ModelCosts.Of(ModelFile.Load(SharedModelPaths.BertToy));

        Assert.Equal(5, costs.BlockCount);
        Assert.All(costs.Blocks, b => Assert.Equal(0, b.KvBytesPerPosition));
        Assert.Equal(6, costs.Cuts.Count);
    }

    [Fact]
    public void Of_SyntheticTinyLlama_MatchesTheHandCountedShapes()
    {
        // Preset "tiny": hidden 64, 4 heads of 16 over 2 KV heads, FFN 176, vocab 512, untied, float32, no biases.
        using var temp = new TempDirectory();
        var built = SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 5, SyntheticDataType.Float32, temp.Combine("tiny"));

        var costs = ModelCosts.Of(ModelFile.Load(built.ModelPath));

        // q 64×64, k 64×32, v 64×32, o 64×64, gate/up 64×176, down 176×64, two norms of 64, and the block's shape and
        // scalar constants: reshapes 0_0_4_16, 0_0_2_16, 0_4_-1_16 (4 int64 each), 0_0_64 (3), split 8_8 (2), unsqueeze
        // axis 2 (1), expand 1_1_2_1_1 (5): 23 int64 = 184 B, plus epsilon 1e-5 and the 0.25 score scale (2 float32 = 8 B).
        const long matrixElements = (64 * 64) + (64 * 32) + (64 * 32) + (64 * 64) + (3 * 64 * 176);
        const long blockBytes = ((matrixElements + (2 * 64)) * 4) + 184 + 8;
        Assert.Equal(2, costs.BlockCount);
        Assert.Equal(ModelCostTable.FlopsUnit, costs.ComputeUnit);
        Assert.Equal(blockBytes, costs.Blocks[0].WeightBytes);
        Assert.Equal(2 * matrixElements, costs.Blocks[0].FlopsPerToken);
        Assert.Equal(2 * matrixElements, costs.Blocks[0].ComputeUnits);
        Assert.All(costs.Blocks, b => Assert.Equal(2 * 2 * 16 * 4, b.KvBytesPerPosition));

        // Embedding 512×64 float32. Nothing labels the synthetic export's final norm and LM head, so the detector keeps
        // them in the last block: block 1 carries the LM head's 2 × 64 × 512 FLOPs and its 64×512 weights besides
        // the final norm's 64; the head stage holds no weights and no matrix products.
        Assert.Equal(512 * 64 * 4, costs.Embedding.WeightBytes);
        Assert.Equal((2 * matrixElements) + (2 * 64 * 512), costs.Blocks[1].FlopsPerToken);
        Assert.True(costs.Blocks[1].WeightBytes >= blockBytes + (((64 * 512) + 64) * 4));
        Assert.Equal(0, costs.Head.WeightBytes);
        Assert.Equal(0, costs.Head.FlopsPerToken);
        Assert.Equal(512 * 4, costs.ResultBytesPerPosition);

        // Boundaries 0 (after the embedding) and 1 carry the hidden state of 64.
        Assert.All(costs.Cuts.Take(2), cut =>
        {
            Assert.True(cut.Available);
            Assert.Equal(256, cut.RawBytesPerPosition);
            Assert.Equal(128, cut.Float16BytesPerPosition);
            Assert.Equal(128, cut.BFloat16BytesPerPosition);
            Assert.Equal(68, cut.Int8Block32BytesPerPosition);
        });
    }

    [Fact]
    public void Split_WritesTheCostTableIntoTheManifest()
    {
        using var temp = new TempDirectory();
        var built = SyntheticModelBuilder.Build(SyntheticPresets.Tiny, 5, SyntheticDataType.Float32, temp.Combine("tiny"));
        var source = ModelFile.Load(built.ModelPath);

        ModelSplitter.Split(source, SplitPlan.AtBoundaries(1), temp.Combine("split"));
        var manifest = ModelSplitter.ReadManifest(temp.Combine("split"));

        Assert.NotNull(manifest.Costs);
        Assert.Equal(2, manifest.Costs.Blocks.Count);
        Assert.Equal(256, manifest.Costs.Blocks[1].KvBytesPerPosition);
        Assert.Equal(68, manifest.Costs.Cuts[1].Int8Block32BytesPerPosition);
        Assert.Contains("\"costs\"", File.ReadAllText(temp.Combine("split", SplitManifest.FileName)), StringComparison.Ordinal);
    }
}
