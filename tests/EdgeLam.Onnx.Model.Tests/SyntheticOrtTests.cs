using EdgeLam.Core.Npy;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Model.Tests;

/// <summary>Synthetic models in ONNX Runtime: KV-cache decoding against recomputation, and the forward pass
/// against the independent <see cref="SyntheticReference"/>.</summary>
[Collection(nameof(SyntheticRuntimeCollection))]
public sealed class SyntheticOrtTests(SyntheticRuntimeFixture fixture)
{
    private const int Prefill = 5;
    private const int DecodeSteps = 3;

    /// <summary>A Qwen2-like tiny variant: tied Gemm head, q/k/v biases, plain multi-head attention.</summary>
    private static readonly SyntheticModelConfig TinyTiedBiased = SyntheticPresets.Tiny with
    {
        Name = "tiny-tied-bias",
        KeyValueHeads = 4,
        TieEmbeddings = true,
        AttentionBias = true,
        RopeTheta = 1_000_000.0,
        NormEpsilon = 1e-6f,
    };

    /// <summary>float32: 1e-4 absolute. float16: 1e-3 of the tensor's largest magnitude (about two float16 ulps there).</summary>
    public static TheoryData<string, SyntheticDataType, double, double> DecodeCases => new()
    {
        { "tiny", SyntheticDataType.Float32, 1e-4, 0 },
        { "tiny-gpt2", SyntheticDataType.Float32, 1e-4, 0 },
        { "tiny-tied-bias", SyntheticDataType.Float32, 1e-4, 0 },
        { "tiny", SyntheticDataType.Float16, 0, 1e-3 },
        { "tiny-gpt2", SyntheticDataType.Float16, 0, 1e-3 },
    };

    [Theory]
    [MemberData(nameof(DecodeCases))]
    public void Decode_PrefillThenStepsWithKvCache_EqualsRecomputingTheWholeSequence(string preset, SyntheticDataType dataType, double absolute, double ofScale)
    {
        var config = Config(preset);
        using var temp = new TempDirectory();
        var model = SyntheticModelBuilder.Build(config, 5, dataType, temp.Path);
        using var runner = new OrtModelRunner(fixture.Runtime.OpenSession(model.ModelPath));
        var sequence = new SyntheticSequence(config, dataType, Prefill + DecodeSteps);

        var whole = runner.Run(sequence.Inputs(0, Prefill + DecodeSteps, null));
        var state = runner.Run(sequence.Inputs(0, Prefill, null));
        AssertClose(Rows(whole["logits"], 0, Prefill), Rows(state["logits"], 0, Prefill), absolute, ofScale);
        for (var step = 0; step < DecodeSteps; step++)
        {
            state = runner.Run(sequence.Inputs(Prefill + step, 1, state));
            Assert.Equal([SyntheticSequence.Batch, 1, config.VocabSize], state["logits"].Shape.ToArray());
            AssertClose(Rows(whole["logits"], Prefill + step, 1), state["logits"].ToDoubleArray(), absolute, ofScale);
        }

        for (var l = 0; l < config.Layers; l++)
        {
            AssertClose(whole[$"present.{l}.key"].ToDoubleArray(), state[$"present.{l}.key"].ToDoubleArray(), absolute, ofScale);
            AssertClose(whole[$"present.{l}.value"].ToDoubleArray(), state[$"present.{l}.value"].ToDoubleArray(), absolute, ofScale);
        }
    }

    /// <summary>float32: 1e-4 absolute + 1e-5 relative. float16 (the reference keeps double precision throughout, the
    /// model rounds activations to float16): 3e-3 of the tensor's largest magnitude.</summary>
    public static TheoryData<string, SyntheticDataType, double, double, double> ReferenceCases => new()
    {
        { "tiny", SyntheticDataType.Float32, 1e-4, 1e-5, 0 },
        { "tiny-gpt2", SyntheticDataType.Float32, 1e-4, 1e-5, 0 },
        { "tiny-tied-bias", SyntheticDataType.Float32, 1e-4, 1e-5, 0 },
        { "tiny", SyntheticDataType.Float16, 0, 0, 3e-3 },
        { "tiny-gpt2", SyntheticDataType.Float16, 0, 0, 3e-3 },
    };

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Run_PrefillAndDecode_MatchesTheIndependentReference(string preset, SyntheticDataType dataType, double absolute, double relative, double ofScale)
    {
        var config = Config(preset);
        using var temp = new TempDirectory();
        var model = SyntheticModelBuilder.Build(config, 9, dataType, temp.Path);
        var reference = new SyntheticReference(config, model.ModelPath);
        using var runner = new OrtModelRunner(fixture.Runtime.OpenSession(model.ModelPath));
        var sequence = new SyntheticSequence(config, dataType, Prefill + 1);

        // Prefill: no cache. Padded query positions attend to themselves only, in both implementations.
        var prefill = runner.Run(sequence.Inputs(0, Prefill, null));
        var emptyCaches = Enumerable.Range(0, config.Layers).Select(_ => Array.Empty<double>()).ToArray();
        var (logits, keys, values) = reference.Run(
            SyntheticSequence.Batch, Take(sequence.Ids, sequence, 0, Prefill), Take(sequence.Mask, sequence, 0, Prefill),
            Take(sequence.Positions, sequence, 0, Prefill), emptyCaches, emptyCaches, 0);
        AssertClose(logits, prefill["logits"].ToDoubleArray(), absolute, relative, ofScale, "logits");
        for (var l = 0; l < config.Layers; l++)
        {
            AssertClose(keys[l], prefill[$"present.{l}.key"].ToDoubleArray(), absolute, relative, ofScale, $"present.{l}.key");
            AssertClose(values[l], prefill[$"present.{l}.value"].ToDoubleArray(), absolute, relative, ofScale, $"present.{l}.value");
        }

        // One decode step on ORT's own cache.
        var decode = runner.Run(sequence.Inputs(Prefill, 1, prefill));
        var pastKeys = Enumerable.Range(0, config.Layers).Select(l => prefill[$"present.{l}.key"].ToDoubleArray()).ToArray();
        var pastValues = Enumerable.Range(0, config.Layers).Select(l => prefill[$"present.{l}.value"].ToDoubleArray()).ToArray();
        var (stepLogits, _, _) = reference.Run(
            SyntheticSequence.Batch, Take(sequence.Ids, sequence, Prefill, 1), Take(sequence.Mask, sequence, 0, Prefill + 1),
            Take(sequence.Positions, sequence, Prefill, 1), pastKeys, pastValues, Prefill);
        AssertClose(stepLogits, decode["logits"].ToDoubleArray(), absolute, relative, ofScale, "decode logits");
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-gpt2")]
    public void Run_Fp16Model_StaysCloseToTheFp32ModelOfTheSameSeed(string preset)
    {
        var config = Config(preset);
        using var temp = new TempDirectory();
        var full = SyntheticModelBuilder.Build(config, 13, SyntheticDataType.Float32, temp.Combine("fp32"));
        var half = SyntheticModelBuilder.Build(config, 13, SyntheticDataType.Float16, temp.Combine("fp16"));
        using var fullRunner = new OrtModelRunner(fixture.Runtime.OpenSession(full.ModelPath));
        using var halfRunner = new OrtModelRunner(fixture.Runtime.OpenSession(half.ModelPath));

        var a = fullRunner.Run(new SyntheticSequence(config, SyntheticDataType.Float32, 6).Inputs(0, 6, null))["logits"].ToDoubleArray();
        var b = halfRunner.Run(new SyntheticSequence(config, SyntheticDataType.Float16, 6).Inputs(0, 6, null))["logits"].ToDoubleArray();

        Assert.All(b, v => Assert.True(double.IsFinite(v)));
        var scale = a.Max(Math.Abs);
        Assert.InRange(a.Zip(b, (x, y) => Math.Abs(x - y)).Max(), 0, 0.02 * scale);
    }

    [Theory]
    [InlineData("tiny", SyntheticDataType.Float32)]
    [InlineData("tiny-gpt2", SyntheticDataType.Float16)]
    public void Build_ExampleCases_RunInOrtWithTheExpectedShapes(string preset, SyntheticDataType dataType)
    {
        var config = Config(preset);
        using var temp = new TempDirectory();
        SyntheticModelBuilder.Build(config, 4, dataType, temp.Path);
        using var runner = new OrtModelRunner(fixture.Runtime.OpenSession(temp.Combine("model.onnx")));

        var prefill = runner.Run(NpyDirectory.ReadAll(temp.Combine("cases", "prefill", "inputs")));
        var decode = runner.Run(NpyDirectory.ReadAll(temp.Combine("cases", "decode", "inputs")));

        var head = config.HiddenSize / config.Heads;
        Assert.Equal([1, 8, config.VocabSize], prefill["logits"].Shape.ToArray());
        Assert.Equal([1, config.KeyValueHeads, 8, head], prefill["present.1.value"].Shape.ToArray());
        Assert.Equal([1, 1, config.VocabSize], decode["logits"].Shape.ToArray());
        Assert.Equal([1, config.KeyValueHeads, 9, head], decode["present.0.key"].Shape.ToArray());
        Assert.All(decode["logits"].ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
    }

    private static SyntheticModelConfig Config(string preset) =>
        preset == TinyTiedBiased.Name ? TinyTiedBiased
        : SyntheticPresets.TryGet(preset, out var config) ? config
        : throw new ArgumentException("unknown preset " + preset, nameof(preset));

    private static long[] Take(long[] source, SyntheticSequence sequence, int start, int count)
    {
        var values = new long[SyntheticSequence.Batch * count];
        for (var b = 0; b < SyntheticSequence.Batch; b++)
        {
            Array.Copy(source, (b * sequence.Length) + start, values, b * count, count);
        }

        return values;
    }

    /// <summary>Positions [start, start + count) of a [batch, seq, vocab] logits tensor, flattened.</summary>
    private static double[] Rows(NpyArray logits, int start, int count)
    {
        var all = logits.ToDoubleArray();
        var seq = (int)logits.Shape[1];
        var vocab = (int)logits.Shape[2];
        var result = new List<double>();
        for (var b = 0; b < logits.Shape[0]; b++)
        {
            result.AddRange(all.AsSpan(((b * seq) + start) * vocab, count * vocab).ToArray());
        }

        return [.. result];
    }

    private static void AssertClose(double[] expected, double[] actual, double absolute, double ofScale)
    {
        Assert.Equal(expected.Length, actual.Length);
        var tolerance = absolute + (ofScale * expected.Max(Math.Abs));
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"max |difference| {worst:G3} > {tolerance:G3}");
    }

    /// <summary>|reference − ORT| ≤ absolute + relative·|reference| + ofScale·max|reference| for every element.</summary>
    private static void AssertClose(double[] expected, double[] actual, double absolute, double relative, double ofScale, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var floor = absolute + (ofScale * expected.Max(Math.Abs));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= floor + (relative * Math.Abs(expected[i])),
                $"{what}[{i}]: reference {expected[i]}, ONNX Runtime {actual[i]}");
        }
    }
}
