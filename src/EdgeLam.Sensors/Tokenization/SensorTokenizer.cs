using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Tokenization;

/// <summary>Chooses the tokenizer a stream is configured with: <c>chronos</c> → token ids, <c>patch</c> → features → encoder.</summary>
public sealed class SensorTokenizer : IDisposable
{
    private readonly IPatchEncoder? _encoder;

    public SensorTokenizer(TokenizerOptions options, IPatchEncoder? encoder = null)
    {
        Options = options;
        Chronos = new ChronosTokenizer(options.Chronos);
        _encoder = encoder;
    }

    public TokenizerOptions Options { get; }

    public ChronosTokenizer Chronos { get; }

    public IPatchEncoder? Encoder => _encoder;

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
        if (_encoder is { } encoder)
        {
            embeddings = new float[patches * encoder.HiddenSize];
            encoder.Encode(features, patches, width, embeddings);
        }

        return new PatchResult(patches, width, features, means, stds, _encoder?.HiddenSize ?? 0, embeddings);
    }

    public void Dispose() => _encoder?.Dispose();
}
