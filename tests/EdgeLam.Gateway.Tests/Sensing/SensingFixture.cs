using System.Threading.Channels;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Windows;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Sensing;

/// <summary>
/// One ORT runtime and the synthetic <c>tiny</c> preset split into embedding | block 0 | block 1 + head (a chain that
/// starts from embeddings), plus the <c>sim</c> board with a Chronos vocabulary that fits tiny's 512 ids.
/// </summary>
public sealed class SensingFixture : IDisposable
{
    public const int ContextLimit = 256;

    /// <summary>The board's patch hidden size, on purpose not the model's: the pump must use the model's.</summary>
    public const int BoardHidden = 32;

    private readonly TempDirectory _temp = new("edgelam-sensing-");

    public SensingFixture()
    {
        Runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
        var model = _temp.Combine("tiny");
        SyntheticPresets.TryGet("tiny", out var config);
        SyntheticModelBuilder.Build(config!, 7, SyntheticDataType.Float32, model);
        Vocabulary = config!.VocabSize;
        ModelHidden = config.HiddenSize;
        Split = _temp.Combine("split");
        var source = ModelFile.Load(Path.Combine(model, "model.onnx"));
        ModelSplitter.Split(source, SplitPlan.AtBoundaries(0, 1), Split);
        TokensOnlySplit = _temp.Combine("split-tokens");
        ModelSplitter.Split(source, SplitPlan.AtBoundaries(1), TokensOnlySplit);
        EncoderCache = _temp.Combine("encoders");
    }

    public OnnxRuntime Runtime { get; }

    /// <summary>tiny as embedding | block 0 | block 1 + head: starts from token ids or embeddings.</summary>
    public string Split { get; }

    /// <summary>tiny as embedding + block 0 | block 1 + head: segment 0 holds a KV cache, so it takes token ids only.</summary>
    public string TokensOnlySplit { get; }

    public string EncoderCache { get; }

    public int Vocabulary { get; }

    public int ModelHidden { get; }

    /// <summary>The sim board, Chronos bins narrowed to fit tiny's vocabulary, patch hidden size not the model's.</summary>
    public static SensorsOptions SimOptions(int? seed = null)
    {
        var options = BoardProfile.Load(Path.Combine(TestPaths.RepoRoot, "boards", "sim.json")).Sensors;
        options.Tokenizer.Chronos.Bins = 400;
        options.Tokenizer.Patch.HiddenSize = BoardHidden;
        if (seed is { } s)
        {
            options.Seed = s;
        }

        return options;
    }

    /// <summary>Runs <paramref name="sensors"/> for <paramref name="seconds"/> of virtual time and takes every window.</summary>
    public static List<SensorWindow> Windows(SensorRuntime sensors, int seconds)
    {
        sensors.RunVirtual(seconds * 1_000_000_000L);
        var windows = new List<SensorWindow>();
        while (sensors.Windows.TryRead(out var w))
        {
            windows.Add(w);
        }

        return windows;
    }

    /// <summary>The latest window of each stream, in configuration order.</summary>
    public static List<SensorWindow> LatestPerStream(SensorRuntime sensors, IEnumerable<SensorWindow> windows) =>
        [.. sensors.StreamOrder.Select(s => windows.Last(w => w.Stream == s))];

    public static ChannelReader<SensorWindow> Feed(IEnumerable<SensorWindow> windows)
    {
        var channel = Channel.CreateUnbounded<SensorWindow>();
        foreach (var w in windows)
        {
            channel.Writer.TryWrite(w);
        }

        channel.Writer.Complete();
        return channel.Reader;
    }

    public void Dispose()
    {
        Runtime.Dispose();
        _temp.Dispose();
    }
}

[CollectionDefinition(nameof(SensingCollection))]
public sealed class SensingCollection : ICollectionFixture<SensingFixture>
{
}
