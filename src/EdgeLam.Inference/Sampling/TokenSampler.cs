using EdgeLam.Core.Randomness;

namespace EdgeLam.Inference.Sampling;

/// <summary>
/// Picks tokens from logits: greedy (arg max, lowest id on ties), or temperature softmax restricted to the top K and
/// the top-P nucleus, drawn with a seeded xoshiro256**. Scratch buffers are sized to the vocabulary once; sampling
/// allocates nothing.
/// </summary>
public sealed class TokenSampler
{
    private readonly int[] _order;
    private readonly float[] _keys;
    private Xoshiro256StarStar _random;

    /// <summary>Creates a sampler for a vocabulary.</summary>
    public TokenSampler(int vocabularySize, SamplingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        VocabularySize = vocabularySize;
        _order = new int[vocabularySize];
        _keys = new float[vocabularySize];
        _random = new Xoshiro256StarStar(options.Seed);
    }

    /// <summary>The options.</summary>
    public SamplingOptions Options { get; }

    /// <summary>The vocabulary size.</summary>
    public int VocabularySize { get; }

    /// <summary>The index of the largest value (the first one on ties); NaN never wins.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("No logits.", nameof(logits));
        }

        var best = 0;
        var max = float.NegativeInfinity;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] > max)
            {
                max = logits[i];
                best = i;
            }
        }

        return best;
    }

    /// <summary>Chooses the next token.</summary>
    public int Sample(ReadOnlySpan<float> logits)
    {
        if (logits.Length != VocabularySize)
        {
            throw new ArgumentException("Expected " + VocabularySize + " logits, got " + logits.Length + ".", nameof(logits));
        }

        if (Options.IsGreedy)
        {
            return ArgMax(logits);
        }

        // Sort ids by descending logit (keys are negated logits; NaN sorts last as -inf would).
        var n = logits.Length;
        for (var i = 0; i < n; i++)
        {
            _order[i] = i;
            _keys[i] = float.IsNaN(logits[i]) ? float.PositiveInfinity : -logits[i];
        }

        Array.Sort(_keys, _order, 0, n);
        var keep = Options.TopK > 0 ? Math.Min(Options.TopK, n) : n;

        // Softmax over the kept candidates at the temperature, in descending order (keys[0] is -max).
        var max = -_keys[0];
        var temperature = Options.Temperature;
        double total = 0;
        for (var i = 0; i < keep; i++)
        {
            var p = Math.Exp((-_keys[i] - max) / temperature);
            _keys[i] = (float)p;
            total += p;
        }

        // Nucleus: the smallest prefix whose probability reaches top-p.
        if (Options.TopP < 1f)
        {
            double cumulative = 0;
            for (var i = 0; i < keep; i++)
            {
                cumulative += _keys[i] / total;
                if (cumulative >= Options.TopP)
                {
                    keep = i + 1;
                    break;
                }
            }

            total = 0;
            for (var i = 0; i < keep; i++)
            {
                total += _keys[i];
            }
        }

        var target = _random.NextDouble() * total;
        double sum = 0;
        for (var i = 0; i < keep; i++)
        {
            sum += _keys[i];
            if (target < sum)
            {
                return _order[i];
            }
        }

        return _order[keep - 1];
    }
}
