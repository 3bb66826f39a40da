using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Protos;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

public class BlockDetectorTests
{
    [Fact]
    public void Detect_TinyLlama_FindsTwoBlocksWithTheirKvCache()
    {
        // genai_config.json: num_hidden_layers = 2; KV names past_key_values.%d.key/value and present.%d.key/value.
        var layout = BlockDetector.Detect(ModelFile.Load(SharedModelPaths.TinyLlama));

        Assert.Equal(2, layout.BlockCount);
        Assert.Equal(["past_key_values.0.key", "past_key_values.0.value"], layout.Blocks[0].KvInputs);
        Assert.Equal(["present.1.key", "present.1.value"], layout.Blocks[1].KvOutputs);
        Assert.Equal(BlockLayout.EmbeddingStage, StageOf(layout, "/model/embed_tokens/Gather"));
        Assert.Equal(0, StageOf(layout, "/model/layers.0/attn/MultiHeadAttention"));
        Assert.Equal(1, StageOf(layout, "/model/layers.1/input_layernorm/SkipLayerNorm"));
        Assert.Equal(layout.HeadStage, StageOf(layout, "/lm_head/MatMul"));

        // The attention-mask reformatting depends only on inputs: recomputed, never shipped.
        Assert.Equal(BlockLayout.SideStage, StageOf(layout, "/model/attn_mask_reformat/Tile"));
    }

    [Fact]
    public void Detect_BertToy_FindsFiveBlocksFromWeightNamesDespiteUnscopedNodeNames()
    {
        // Node names are Add_361-style; layers show only in initializers bert.encoder.layer.0 .. layer.4.
        var layout = BlockDetector.Detect(ModelFile.Load(SharedModelPaths.BertToy));

        Assert.Equal(5, layout.BlockCount);
        Assert.Equal("structure (5 repeated units of 6 weight ops; weight names agree)", layout.Evidence);
        Assert.Contains("Gather_10", layout.HiddenOrigin, StringComparison.Ordinal);

        // Softmax of layer 1 (unnamed, no weight) lies between layer-1 weights: placed by structure.
        Assert.Equal(1, StageOf(layout, "Softmax_201"));

        // The extended mask (Unsqueeze/Cast/Sub/Mul of input_mask) feeds every layer but depends on inputs only.
        Assert.Equal(BlockLayout.SideStage, StageOf(layout, "Mul_6"));

        // The tied decoder weight (Transpose of the word embeddings) is a constant: duplicated, not shipped.
        Assert.Equal(BlockLayout.SideStage, StageOf(layout, "Transpose_634"));
        Assert.Equal(layout.HeadStage, StageOf(layout, "Gemm_637"));
    }

    [Fact]
    public void Detect_TinyLlamaWithoutNodeOrWeightNames_FindsBlocksByStructureWithKvNamesAgreeing()
    {
        using var temp = new TempDirectory();
        ModelVariants.WriteAnonymized(ModelFile.Load(SharedModelPaths.TinyLlama), temp.Combine("anon.onnx"));

        var layout = BlockDetector.Detect(ModelFile.Load(temp.Combine("anon.onnx")));

        Assert.Equal(2, layout.BlockCount);
        Assert.Equal(BlockSource.Structure, layout.Source);
        Assert.Equal("structure (2 repeated units of 9 weight ops; KV-cache names agree)", layout.Evidence);
    }

    [Fact]
    public void Detect_BertWithOpaqueNames_FindsTheFiveLayersByStructure()
    {
        using var temp = new TempDirectory();
        ModelVariants.WriteAnonymized(ModelFile.Load(SharedModelPaths.BertToy), temp.Combine("anon.onnx"));
        var model = ModelFile.Load(temp.Combine("anon.onnx"));

        var layout = BlockDetector.Detect(model);

        Assert.Equal(5, layout.BlockCount);
        Assert.Equal("structure (5 repeated units of 6 weight ops)", layout.Evidence);
    }

    [Fact]
    public void Detect_PlainMlp_ThrowsNoRecognisableBlocks()
    {
        var proto = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "mlp" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        proto.Graph.Input.Add(new Graph.TensorType(1, [Graph.Dim.Of(1), Graph.Dim.Of(4)]).ToValueInfo("x"));
        proto.Graph.Output.Add(new Graph.TensorType(1, [Graph.Dim.Of(1), Graph.Dim.Of(4)]).ToValueInfo("y"));
        proto.Graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "x" }, Output = { "h" } });
        proto.Graph.Node.Add(new NodeProto { OpType = "Neg", Input = { "h" }, Output = { "y" } });

        var error = Assert.Throws<ModelSurgeryException>(() => BlockDetector.Detect(ModelFile.FromProto(proto, Path.GetTempPath())));

        Assert.Contains("No transformer blocks recognised", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/model/layers.12/attn/q_proj/MatMul", 12)]
    [InlineData("model/layers.3/mlp/Mul", 3)]
    [InlineData("/transformer/h.7/attn/c_attn/MatMul", 7)]
    [InlineData("tf_bert_model/bert/encoder/layer_._5/attention/self/query/MatMul", 5)]
    [InlineData("transformer.h.2.attn.c_attn.weight", 2)]
    [InlineData("bert.encoder.layer.11.output.dense.weight", 11)]
    [InlineData("distilbert.transformer.layer.4.ffn.lin1.weight", 4)]
    [InlineData("model.layers.0.self_attn.q_proj.weight", 0)]
    [InlineData("encoder.block.6.layer.0.SelfAttention.q.weight", 6)]
    public void BlockIndex_ExporterNamingConventions_AreRecognised(string name, int expected) =>
        Assert.Equal(expected, BlockNamePatterns.BlockIndex(name));

    [Theory]
    [InlineData("Add_361")]
    [InlineData("SkipLayerNorm_3")]
    [InlineData("onnx::MatMul_1234")]
    [InlineData("/model/embed_tokens/Gather")]
    [InlineData("Attention_0")]
    public void BlockIndex_NamesWithoutABlockScope_AreNotBlocks(string name) =>
        Assert.Null(BlockNamePatterns.BlockIndex(name));

    [Theory]
    [InlineData("past_key_values.3.key", 3)]
    [InlineData("past_key_values.10.value", 10)]
    [InlineData("past_5", 5)]
    [InlineData("present.2.value", 2)]
    [InlineData("present_7", 7)]
    [InlineData("key_cache.1", 1)]
    [InlineData("updated_value_cache.4", 4)]
    public void KvIndex_CacheNames_AreRecognised(string name, int expected) =>
        Assert.Equal(expected, BlockNamePatterns.KvIndex(name));

    [Theory]
    [InlineData("past_sequence_length")]
    [InlineData("attention_mask")]
    [InlineData("input_ids")]
    public void KvIndex_OtherInputs_AreNotCache(string name) => Assert.Null(BlockNamePatterns.KvIndex(name));

    private static int StageOf(BlockLayout layout, string nodeName)
    {
        var index = layout.Graph.Nodes.Select((n, i) => (n, i)).Single(x => x.n.Name == nodeName).i;
        return layout.Stages[index];
    }
}
