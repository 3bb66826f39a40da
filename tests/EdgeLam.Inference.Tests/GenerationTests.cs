using EdgeLam.Core.Npy;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Inference.Tests;

[Collection(nameof(ModelsCollection))]
public sealed class GenerationTests(ModelsFixture models)
{
    private static readonly GenerationOptions Greedy64 = new() { MaxNewTokens = 64 };

    [Fact]
    public void PrefillDecode_SharedTinyLlamaCases_MatchReferenceLogits()
    {
        var cases = Path.Combine(ModelsFixture.TinyLlama, "cases");
        var prompt = ReadInt64(Path.Combine(cases, "prefill", "inputs", "input_ids.npy"));
        var next = ReadInt64(Path.Combine(cases, "decode", "inputs", "input_ids.npy"));
        var prefillExpected = LastRow(NpyFile.Read(Path.Combine(cases, "prefill", "outputs", "logits.npy")));
        var decodeExpected = LastRow(NpyFile.Read(Path.Combine(cases, "decode", "outputs", "logits.npy")));
        using var pipeline = PipelineFactory.Open(models, ModelsFixture.TinyLlama);
        var conversation = Guid.NewGuid();

        var prefill = pipeline.Prefill(conversation, prompt).ToArray();
        var decode = pipeline.Decode(conversation, next[0]).ToArray();

        // fp16 logits; the reference ran without graph optimizations, so allow a few fp16 ulps at |x| < 1.
        AssertClose(prefillExpected, prefill, 5e-3f);
        AssertClose(decodeExpected, decode, 5e-3f);
    }

    [Fact]
    public void Generate_TinyLlamaGreedy_MatchesIndependentDecoder()
    {
        var prompt = PipelineFactory.Prompt(7, 32000);
        using var reference = new ReferenceDecoder(models.Runtime, Path.Combine(ModelsFixture.TinyLlama, "model.onnx"));
        var expected = reference.Greedy(prompt, 64);
        using var pipeline = PipelineFactory.Open(models, ModelsFixture.TinyLlama);

        var result = pipeline.Generate(Guid.NewGuid(), prompt, Greedy64);

        Assert.Equal(expected, result.Tokens);
    }

    [Fact]
    public void Generate_TinyPresetGreedy_MatchesIndependentDecoder()
    {
        var dir = models.Preset("tiny");
        var prompt = PipelineFactory.Prompt(9, 512);
        using var reference = new ReferenceDecoder(models.Runtime, Path.Combine(dir, "model.onnx"));
        var expected = reference.Greedy(prompt, 64);
        using var pipeline = PipelineFactory.Open(models, dir);

        var result = pipeline.Generate(Guid.NewGuid(), prompt, Greedy64);

        Assert.Equal(expected, result.Tokens);
    }

    [Fact]
    public void Generate_TinyLlamaSplitRawWire_SameTokensAsUnsplit()
    {
        var prompt = PipelineFactory.Prompt(5, 32000, seed: 11);
        using var unsplit = PipelineFactory.Open(models, ModelsFixture.TinyLlama);
        using var split = PipelineFactory.Open(models, models.Split(ModelsFixture.TinyLlama, 1), WireCodec.Raw);

        var expected = unsplit.Generate(Guid.NewGuid(), prompt, Greedy64).Tokens;
        var actual = split.Generate(Guid.NewGuid(), prompt, Greedy64).Tokens;

        Assert.Equal(2, split.Segments.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Generate_SmallSplitInTheMiddleRawWire_SameTokensAsUnsplit()
    {
        var dir = models.Preset("small");
        var prompt = PipelineFactory.Prompt(12, 32000, seed: 5);
        using var unsplit = PipelineFactory.Open(models, dir);
        using var split = PipelineFactory.Open(models, models.Split(dir, 6), WireCodec.Raw);

        var expected = unsplit.Generate(Guid.NewGuid(), prompt, Greedy64).Tokens;
        var actual = split.Generate(Guid.NewGuid(), prompt, Greedy64).Tokens;

        Assert.Equal(2, split.Segments.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Generate_TinySplitInt8Wire_MostlyAgreesWithRaw()
    {
        var dir = models.Split(models.Preset("tiny"), 1);
        var prompt = PipelineFactory.Prompt(9, 512, seed: 8);
        using var raw = PipelineFactory.Open(models, dir, WireCodec.Raw);
        using var int8 = PipelineFactory.Open(models, dir, WireCodec.Int8Block32);
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var expected = raw.Generate(a, prompt, new GenerationOptions { MaxNewTokens = 16 }).Tokens;

        var actual = int8.Generate(b, prompt, new GenerationOptions { MaxNewTokens = 16 }).Tokens;

        // Teacher forcing is not used here, so one early flip changes the rest; the first tokens must agree.
        Assert.Equal(expected[0], actual[0]);
        Assert.True(int8.Boundary(1)!.LastFrameBytes < raw.Boundary(1)!.LastFrameBytes, "int8 frames must be smaller than raw frames.");
    }

    [Fact]
    public void Generate_StopToken_EndsAtFirstOccurrence()
    {
        var dir = models.Preset("tiny");
        var prompt = PipelineFactory.Prompt(6, 512);
        using var pipeline = PipelineFactory.Open(models, dir);
        var free = pipeline.Generate(Guid.NewGuid(), prompt, new GenerationOptions { MaxNewTokens = 10 }).Tokens.ToList();
        var stop = free[3];
        var firstIndex = free.IndexOf(stop);

        var result = pipeline.Generate(Guid.NewGuid(), prompt, new GenerationOptions { MaxNewTokens = 10, StopTokens = [stop] });

        Assert.True(result.StoppedByToken);
        Assert.Equal(free.Take(firstIndex + 1), result.Tokens);
    }

    [Fact]
    public void Generate_SameSeed_SameTokens()
    {
        var dir = models.Preset("tiny");
        var prompt = PipelineFactory.Prompt(6, 512);
        var sampling = new GenerationOptions { MaxNewTokens = 24, Sampling = new() { Temperature = 1.5f, TopK = 50, TopP = 0.95f, Seed = 42 } };
        using var pipeline = PipelineFactory.Open(models, dir);

        var first = pipeline.Generate(Guid.NewGuid(), prompt, sampling).Tokens;
        var second = pipeline.Generate(Guid.NewGuid(), prompt, sampling).Tokens;
        var greedy = pipeline.Generate(Guid.NewGuid(), prompt, new GenerationOptions { MaxNewTokens = 24 }).Tokens;

        Assert.Equal(first, second);
        Assert.NotEqual(greedy, first);
    }

    private static long[] ReadInt64(string path) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(NpyFile.Read(path).Data).ToArray();

    private static float[] LastRow(NpyArray logits)
    {
        var all = ReferenceDecoder.ToFloats(logits);
        return all[^(int)logits.Shape[^1]..];
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= tolerance, "max |difference| " + worst + " > " + tolerance);
    }
}
