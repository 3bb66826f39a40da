using EdgeLam.Gateway.Sensing;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;

namespace EdgeLam.Gateway.Tests.Sensing;

/// <summary>The sim board's windows → both tokenizers → one request → the in-process pipeline.</summary>
[Collection(nameof(SensingCollection))]
public sealed class SensorRequestInProcessTests(SensingFixture fixture)
{
    private const int NewTokens = 6;

    private (SensorRequest Request, List<Sensors.Windows.SensorWindow> Windows) BuildFromSim(int seed, int hidden)
    {
        using var sensors = SensorRuntime.Create(SensingFixture.SimOptions(seed));
        var windows = SensingFixture.LatestPerStream(sensors, SensingFixture.Windows(sensors, 3));
        var options = new SensorRequestOptions { EncoderCacheDirectory = fixture.EncoderCache, PromptIds = [7, 8] };
        using var builder = SensorRequestBuilder.Create(sensors, options, fixture.Runtime, hidden);
        return (builder.Build(windows), windows);
    }

    [Fact]
    public void Build_SimBoardWindows_ChronosIdsAndPatchRowsOfTheModelsHiddenSize()
    {
        using var pipeline = InferencePipeline.Open(fixture.Runtime, fixture.Split, new PipelineOptions { ContextLimit = SensingFixture.ContextLimit });
        var hidden = pipeline.Embedding!.HiddenSize;

        var (built, windows) = BuildFromSim(42, hidden);

        var request = built.Request;
        var env = windows.Single(w => w.Stream == "env");
        var motion = windows.Single(w => w.Stream == "motion");
        var vibration = windows.Single(w => w.Stream == "vibration");
        var patches = motion.Length / 16;
        // Chronos: (length + 1) ids per channel (EOS); each stream after its separator; prompt ids first.
        var envIds = env.Channels * (env.Length + 1);
        var vibrationIds = vibration.Channels * (vibration.Length + 1);
        Assert.Equal(2 + (1 + envIds) + (1 + patches) + (1 + vibrationIds), request.Positions);
        Assert.Equal(3, request.Parts.Count);
        var head = request.Parts[0].Ids!;
        Assert.Equal(2 + 1 + envIds + 1, head.Length);
        Assert.Equal([7L, 8L, 2L], head[..3]);                   // prompt, SEP_0 (FirstSeparatorId 2 + index 0)
        Assert.Equal(3L, head[^1]);                                // SEP_1 before motion's embeddings
        Assert.Equal(patches * fixture.ModelHidden, request.Parts[1].Embeddings!.Length);
        Assert.NotEqual(SensingFixture.BoardHidden, fixture.ModelHidden);
        Assert.Equal(4L, request.Parts[2].Ids![0]);                // SEP_2 before vibration
        Assert.All(request.Parts.Where(p => p.Ids is not null).SelectMany(p => p.Ids!), id => Assert.InRange(id, 0, fixture.Vocabulary - 1));
        var window = request.Window!;
        Assert.Equal(["env", "motion", "vibration"], window.Streams.Select(s => s.Name));
        Assert.Equal(["chronos", "patch", "chronos"], window.Streams.Select(s => s.Tokenizer));
        Assert.Equal(windows.Min(w => w.StartNs), window.StartNs);
        Assert.Equal(windows.Max(w => w.EndNs), window.EndNs);
        Assert.Equal(TimeSpan.FromTicks((window.EndNs - window.StartNs) / 100), window.EndUtc - window.StartUtc);
        Assert.Null(window.Problem());
    }

    [Fact]
    public void Pipeline_SimBoardSameSeed_SameInputAndTokens_OtherSeedOtherInput()
    {
        using var pipeline = InferencePipeline.Open(fixture.Runtime, fixture.Split, new PipelineOptions { ContextLimit = SensingFixture.ContextLimit });
        var hidden = pipeline.Embedding!.HiddenSize;

        var a = BuildFromSim(42, hidden).Request.Request;
        var b = BuildFromSim(42, hidden).Request.Request;
        var other = BuildFromSim(43, hidden).Request.Request;
        var tokensA = EmbeddingReference.Generate(fixture.Runtime, fixture.Split, SensingFixture.ContextLimit, a, NewTokens);
        var tokensB = EmbeddingReference.Generate(fixture.Runtime, fixture.Split, SensingFixture.ContextLimit, b, NewTokens);

        Assert.Equal(Flatten(a), Flatten(b));
        Assert.Equal(a.Parts.Select(p => p.Embeddings), b.Parts.Select(p => p.Embeddings));
        Assert.NotEqual(Flatten(a), Flatten(other));
        Assert.Equal(NewTokens, tokensA.Count);
        Assert.All(tokensA, t => Assert.InRange(t, 0, fixture.Vocabulary - 1));
        Assert.Equal(tokensA, tokensB);
    }

    [Fact]
    public void Pipeline_SimBoardPartsFedInTurn_SameTokensAsOnePrefill()
    {
        // The request's runs fed to the pipeline one after another (Prefill, PrefillEmbeddings, Prefill) continue one
        // conversation; greedy tokens agree with the single all-rows prefill the gateway runs.
        using var pipeline = InferencePipeline.Open(fixture.Runtime, fixture.Split, new PipelineOptions { ContextLimit = SensingFixture.ContextLimit });
        var request = BuildFromSim(42, pipeline.Embedding!.HiddenSize).Request.Request;
        var conversation = Guid.NewGuid();
        var logits = ReadOnlySpan<float>.Empty;
        foreach (var part in request.Parts)
        {
            logits = part.Embeddings is { } rows ? pipeline.PrefillEmbeddings(conversation, rows, part.Positions) : pipeline.Prefill(conversation, part.Ids!);
        }

        Assert.Equal(fixture.Vocabulary, logits.Length);
        var tokens = new List<long>();
        for (var i = 0; i < NewTokens; i++)
        {
            var best = 0;
            for (var v = 1; v < logits.Length; v++)
            {
                best = logits[v] > logits[best] ? v : best;
            }

            tokens.Add(best);
            if (i < NewTokens - 1)
            {
                logits = pipeline.Decode(conversation, best);
            }
        }

        Assert.Equal(request.Positions + NewTokens - 1, pipeline.Length(conversation));
        Assert.Equal(EmbeddingReference.Generate(fixture.Runtime, fixture.Split, SensingFixture.ContextLimit, request, NewTokens), tokens);
    }

    private static long[] Flatten(GatewayRequest request) => [.. request.Parts.SelectMany(p => p.Ids ?? [])];
}
