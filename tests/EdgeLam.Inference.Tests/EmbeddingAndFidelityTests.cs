using System.Runtime.InteropServices;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Inference.Tests;

[Collection(nameof(ModelsCollection))]
public sealed class EmbeddingAndFidelityTests(ModelsFixture models)
{
    [Fact]
    public void PrefillEmbeddings_EmbeddingOnlySegment0_SameLogitsAsTokenPrefill()
    {
        // Boundary 0 is the embedding boundary: segment 0 only embeds, so embeddings enter at segment 1.
        using var pipeline = PipelineFactory.Open(models, models.Split(models.Preset("tiny"), 0));
        var prompt = PipelineFactory.Prompt(8, 512);
        var fromTokens = pipeline.Prefill(Guid.NewGuid(), prompt).ToArray();
        var hiddenName = pipeline.Segments[1].BoundaryInputs[0].Name;
        var hidden = pipeline.Segments[0].Outputs[Index(pipeline, hiddenName)];
        var embeddings = MemoryMarshal.Cast<byte, float>(hidden.GetBytes()).ToArray();
        var conversation = Guid.NewGuid();

        var fromEmbeddings = pipeline.PrefillEmbeddings(conversation, embeddings, prompt.Length).ToArray();
        pipeline.Decode(conversation, 9);

        Assert.Equal(fromTokens, fromEmbeddings);
        Assert.Equal(9, pipeline.Length(conversation));
    }

    [Fact]
    public void PrefillEmbeddings_RowsOfAnotherHiddenSize_EmbeddingShapeExceptionAndPipelineUsable()
    {
        using var pipeline = PipelineFactory.Open(models, models.Split(models.Preset("tiny"), 0));
        var hidden = (int)pipeline.Segments[1].BoundaryInputs[0].Shape[2];
        var conversation = Guid.NewGuid();

        var error = Assert.Throws<EmbeddingShapeException>(() => pipeline.PrefillEmbeddings(conversation, new float[3 * (hidden + 1)], 3));

        Assert.Equal((hidden, hidden + 1), (error.ExpectedHidden, error.ActualHidden));
        Assert.Equal(hidden, pipeline.Embedding!.HiddenSize);
        Assert.Equal(0, pipeline.Length(conversation));
        pipeline.PrefillEmbeddings(conversation, new float[3 * hidden], 3);
        Assert.Equal(3, pipeline.Length(conversation));
    }

    [Fact]
    public void PrefillEmbeddings_ModelWithoutEmbeddingEntry_ClearError()
    {
        using var pipeline = PipelineFactory.Open(models, models.Preset("tiny"));

        Assert.Throws<InferenceException>(() => pipeline.PrefillEmbeddings(Guid.NewGuid(), new float[64 * 2], 2));
    }

    [Fact]
    public void WireFidelity_TinySplit_LossyCodecsStayClose()
    {
        var dir = models.Split(models.Preset("tiny"), 1);
        var rows = WireFidelity.Measure(
            codec => PipelineFactory.Open(models, dir, codec),
            PipelineFactory.Prompt(8, 512),
            24,
            [WireCodec.Raw, WireCodec.Float16, WireCodec.BFloat16, WireCodec.Int8Block32]);

        Assert.Equal(0, rows[0].MaxAbsError);
        Assert.Equal(1, rows[0].Top1Agreement);

        // fp16 keeps 11 significant bits, bf16 8, int8 about 7 per block: all far from flipping a random-weight argmax often.
        Assert.All(rows.Skip(1), r => Assert.True(r.MinCosine > 0.999, r.Codec + " min cosine " + r.MinCosine));
        Assert.True(rows[1].MaxAbsError < rows[2].MaxAbsError, "fp16 must be closer than bf16");
        Assert.True(rows[3].FrameBytes < rows[1].FrameBytes && rows[1].FrameBytes < rows[0].FrameBytes, "int8 < fp16 < raw frame bytes");
    }

    private static int Index(InferencePipeline pipeline, string name)
    {
        var outputs = pipeline.Segments[0].Signature.Outputs;
        for (var i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
