using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Tokenization;

/// <summary>
/// Window → token ids, as Chronos does it (Ansari et al. 2024, "Chronos: Learning the Language of Time Series"): each
/// channel is divided by its mean absolute value over the window (scale 1 when that is 0), then quantized to the nearest
/// of <c>Bins</c> uniformly spaced centres in [Low, High] (values beyond are clamped). Missing or masked values (NaN)
/// become PAD with attention 0 and are left out of the scale. Each channel ends with EOS.
/// </summary>
public sealed class ChronosTokenizer
{
    private readonly double _step;

    public ChronosTokenizer(ChronosTokenizerOptions options)
    {
        if (options.Bins < 2 || !(options.Low < options.High))
        {
            throw new ArgumentException("Chronos tokenizer needs Bins >= 2 and Low < High", nameof(options));
        }

        Options = options;
        _step = (options.High - options.Low) / (options.Bins - 1);
    }

    public ChronosTokenizerOptions Options { get; }

    /// <summary>Tokens per window: (length + 1) per channel.</summary>
    public static int TokenCount(int channels, int length) => channels * (length + 1);

    /// <summary>Mean absolute value of the finite entries (1 when none or all zero).</summary>
    public static double MeanScale(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        var n = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                sum += Math.Abs(v);
                n++;
            }
        }

        var scale = n == 0 ? 0 : sum / n;
        return scale > 0 && double.IsFinite(scale) ? scale : 1.0;
    }

    /// <summary>The token id of an already-scaled value.</summary>
    public int BinId(double scaled)
    {
        var index = (int)Math.Round((Math.Clamp(scaled, Options.Low, Options.High) - Options.Low) / _step, MidpointRounding.AwayFromZero);
        return Options.TokenOffset + Options.FirstBinId + Math.Clamp(index, 0, Options.Bins - 1);
    }

    /// <summary>The centre value (scaled units) of a bin id; NaN for special tokens.</summary>
    public double BinCentre(int id)
    {
        var index = id - Options.TokenOffset - Options.FirstBinId;
        return index < 0 || index >= Options.Bins ? double.NaN : Options.Low + (index * _step);
    }

    public TokenizedStream Tokenize(SensorWindow window)
    {
        var count = TokenCount(window.Channels, window.Length);
        var ids = new int[count];
        var mask = new byte[count];
        var scales = new float[window.Channels];
        Tokenize(window, ids, mask, scales);
        return new TokenizedStream(window.Stream, ids, mask, scales, window.StartNs, window.EndNs);
    }

    /// <summary>Allocation-free form: <paramref name="ids"/> and <paramref name="mask"/> hold <see cref="TokenCount"/> entries.</summary>
    public void Tokenize(SensorWindow window, Span<int> ids, Span<byte> mask, Span<float> scales)
    {
        var o = Options;
        var k = 0;
        for (var c = 0; c < window.Channels; c++)
        {
            var values = window.Channel(c);
            var scale = MeanScale(values);
            scales[c] = (float)scale;
            foreach (var v in values)
            {
                if (double.IsFinite(v))
                {
                    ids[k] = BinId(v / scale);
                    mask[k] = 1;
                }
                else
                {
                    ids[k] = o.TokenOffset + o.PadId;
                    mask[k] = 0;
                }

                k++;
            }

            ids[k] = o.TokenOffset + o.EosId;
            mask[k] = 1;
            k++;
        }
    }

    /// <summary>Decodes one channel's ids back to values (bin centre × scale); NaN for PAD.</summary>
    public void Detokenize(ReadOnlySpan<int> ids, double scale, Span<double> values)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            values[i] = BinCentre(ids[i]) * scale;
        }
    }
}
