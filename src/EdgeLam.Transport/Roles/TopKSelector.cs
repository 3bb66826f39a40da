namespace EdgeLam.Transport.Roles;

/// <summary>The k most likely tokens of a step's logits with their softmax probabilities (one reused buffer; one thread).</summary>
internal sealed class TopKSelector(int vocabularySize)
{
    private readonly float[] _probabilities = new float[vocabularySize];

    public List<TokenProbability> Select(ReadOnlySpan<float> logits, int k)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            _probabilities[i] = MathF.Exp(logits[i] - max);
            sum += _probabilities[i];
        }

        var best = new List<TokenProbability>(k);
        for (var n = 0; n < Math.Min(k, logits.Length); n++)
        {
            var arg = -1;
            for (var i = 0; i < logits.Length; i++)
            {
                if (_probabilities[i] >= 0 && (arg < 0 || _probabilities[i] > _probabilities[arg]))
                {
                    arg = i;
                }
            }

            best.Add(new TokenProbability(arg, (float)(_probabilities[arg] / sum)));
            _probabilities[arg] = -1;
        }

        return best;
    }
}
