using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Tokenization;

/// <summary>Chooses the tokenizer a stream is configured with: <c>chronos</c> → token ids, <c>patch</c> → features → encoder.</summary>
public sealed class SensorTokenizer : IDisposable
{
    private readonly Func<int, IPatchEncoder>? _encoderFactory;
    private readonly Dictionary<int, IPatchEncoder> _encoders = [];

    /// <param name="encoderFactory">Opens the encoder for a feature width (P × channels); null: features only.</param>
    public SensorTokenizer(TokenizerOptions options, Func<int, IPatchEncoder>? encoderFactory = null)
    {
        Options = options;
        Chronos = new ChronosTokenizer(options.Chronos);
        _encoderFactory = encoderFactory;
    }

    public TokenizerOptions Options { get; }

    public ChronosTokenizer Chronos { get; }

    public WindowTokens Tokenize(SensorWindow window, string tokenizer)
    {
        if (tokenizer == "patch")
        {
            return new WindowTokens(window, tokenizer, null, Patch(window));
        }

        return new WindowTokens(window, "chronos", Chronos.Tokenize(window), null);
    }

    public PatchResult Patch(SensorWindow window)
    {
        var p = Options.Patch.PatchLength;
        var patches = PatchFeatures.PatchCount(window.Length, p);
        var width = PatchFeatures.FeatureSize(window.Channels, p);
        var features = new float[patches * width];
        var means = new float[window.Channels];
        var stds = new float[window.Channels];
        PatchFeatures.Compute(window, p, features, means, stds);
        float[]? embeddings = null;
        var hidden = 0;
        if (EncoderFor(width) is { } encoder)
        {
            hidden = encoder.HiddenSize;
            embeddings = new float[patches * hidden];
            encoder.Encode(features, patches, width, embeddings);
        }

        return new PatchResult(patches, width, features, means, stds, hidden, embeddings);
    }

    public void Dispose()
    {
        foreach (var e in _encoders.Values)
        {
            e.Dispose();
        }

        _encoders.Clear();
    }

    private IPatchEncoder? EncoderFor(int width)
    {
        if (_encoderFactory is null)
        {
            return null;
        }

        if (!_encoders.TryGetValue(width, out var encoder))
        {
            encoder = _encoderFactory(width);
            _encoders[width] = encoder;
        }

        return encoder;
    }
}
