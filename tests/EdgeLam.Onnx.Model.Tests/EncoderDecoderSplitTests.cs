using EdgeLam.Inference.Chain;
using EdgeLam.Onnx.Model.Blocks;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Verify;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>
/// An encoder-decoder in one graph (<see cref="EncoderDecoderModel"/>): the blocks are the decoder layers, the encoder
/// runs before the first of them, and a cut between decoder layers carries the decoder's residual stream and the
/// encoder output; the chained segments give the unsplit model's outputs.
/// </summary>
[Collection(nameof(OrtCollection))]
public class EncoderDecoderSplitTests(OrtFixture ort)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Detect_EncoderDecoder_FindsTheDecoderLayersByStructure(bool named)
    {
        using var temp = new TempDirectory();
        var (model, _) = Write(temp, scrambled: false, named);

        var layout = BlockDetector.Detect(model);

        Assert.Equal(BlockSource.Structure, layout.Source);
        Assert.Equal(EncoderDecoderModel.DecoderLayers, layout.BlockCount);
        Assert.Equal(named ? "structure (3 repeated units of 8 weight ops; node names agree)" : "structure (3 repeated units of 8 weight ops)", layout.Evidence);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CutTensors_EncoderDecoder_AreTheResidualStreamAndTheEncoderOutput(bool scrambled)
    {
        using var temp = new TempDirectory();
        var (model, encoderOutput) = Write(temp, scrambled);

        var layout = BlockDetector.Detect(model);

        for (var boundary = 0; boundary < EncoderDecoderModel.DecoderLayers; boundary++)
        {
            var cut = layout.CutTensors(boundary);
            Assert.Equal(2, cut.Count);
            Assert.Contains(encoderOutput, cut);
        }
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("1", false)]
    [InlineData("2", false)]
    [InlineData("3", false)]
    [InlineData("1,2", false)]
    [InlineData("0,2", false)]
    [InlineData("1", true)]
    [InlineData("1,2", true)]
    public void Split_EncoderDecoder_ChainedSegmentsEqualTheUnsplitModel(string boundaries, bool named) =>
        AssertSplitEqualsUnsplit(boundaries, named, sharedTable: true);

    [Theory]
    [InlineData("1")]
    [InlineData("0,2")]
    public void Split_EncoderDecoderWithItsOwnLargerSourceTable_ChainedSegmentsEqualTheUnsplitModel(string boundaries) =>
        AssertSplitEqualsUnsplit(boundaries, named: false, sharedTable: false);

    [Theory]
    [InlineData("1")]
    [InlineData("1,2")]
    public void Split_EncoderDecoderWithKvCache_KeepsEachCacheInItsBlockAndEqualsTheUnsplitModel(string boundaries)
    {
        using var temp = new TempDirectory();
        var (model, encoderOutput) = Write(temp, scrambled: false, cache: true);
        var layout = BlockDetector.Detect(model);
        for (var b = 0; b < EncoderDecoderModel.DecoderLayers; b++)
        {
            Assert.Equal([$"past_key_values.{b}.key", $"past_key_values.{b}.value"], layout.Blocks[b].KvInputs);
            Assert.Equal([$"present.{b}.key", $"present.{b}.value"], layout.Blocks[b].KvOutputs);
            Assert.Equal(2, layout.CutTensors(b).Count);
            Assert.Contains(encoderOutput, layout.CutTensors(b));
        }

        AssertSplitEqualsUnsplit(boundaries, named: false, sharedTable: true, cache: true);
    }

    private void AssertSplitEqualsUnsplit(string boundaries, bool named, bool sharedTable, bool cache = false)
    {
        using var temp = new TempDirectory();
        var (model, encoderOutput) = Write(temp, scrambled: false, named, sharedTable, cache);

        var manifest = ModelSplitter.Split(model, SplitPlan.ParseBoundaries(boundaries), temp.Combine("split"), ort.Open);

        // The encoder runs once, in the first segment; every later segment gets its output.
        foreach (var segment in manifest.Segments.Skip(1).Where(s => s.FirstBlock < EncoderDecoderModel.DecoderLayers))
        {
            Assert.Contains(segment.BoundaryInputs, b => b.Name == encoderOutput);
            Assert.DoesNotContain("input_ids", segment.OriginalInputs);
        }

        using var whole = ort.Open(model.FilePath!);
        using var chain = SplitModelRunner.Open(temp.Combine("split"), ort.Open, verifyHashes: false);
        var report = SplitVerifier.Verify(whole, chain, InputRoles.Find(model), new VerifyTolerances(1e-6, 1e-3));
        Assert.Equal(cache ? ["prefill", "decode"] : ["tokens"], report.Cases.Select(c => c.Name));
        Assert.True(report.Passed, string.Join("; ", report.Differences));
    }

    private static (ModelFile Model, string EncoderOutput) Write(TempDirectory temp, bool scrambled, bool named = false, bool sharedTable = true, bool cache = false)
    {
        var (proto, encoderOutput) = EncoderDecoderModel.Build(named, sharedTable, cache);
        var path = temp.Combine("model", "encoder-decoder.onnx");
        ModelWriter.Write(proto, temp.Path, path, new ModelWriteOptions());
        if (!scrambled)
        {
            return (ModelFile.Load(path), encoderOutput);
        }

        var scrambledPath = temp.Combine("scrambled", "encoder-decoder.onnx");
        var renamed = ModelScrambler.Write(ModelFile.Load(path), scrambledPath, 3, keepGraphInputsAndOutputs: true);
        return (ModelFile.Load(scrambledPath), renamed[encoderOutput]);
    }
}
