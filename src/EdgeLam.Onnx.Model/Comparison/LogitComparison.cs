namespace EdgeLam.Onnx.Model.Comparison;

/// <summary>
/// Accumulates how far model B's logits are from model A's over positions (pure logic): the largest and the mean
/// absolute difference over every logit, the share of positions where both pick the same top-1 class (first index
/// of the maximum on ties), and the mean Kullback–Leibler divergence KL(softmax(a) ‖ softmax(b)) in nats.
/// </summary>
public sealed class LogitComparison
{
    private double _sumAbs;
    private long _values;
    private double _sumKl;

    public int Positions { get; private set; }

    public int Top1Agreements { get; private set; }

    public double MaxAbsDifference { get; private set; }

    public double MeanAbsDifference => _values == 0 ? 0 : _sumAbs / _values;

    /// <summary>Top-1 agreements / positions (1 when no position was added).</summary>
    public double Top1Agreement => Positions == 0 ? 1 : (double)Top1Agreements / Positions;

    public double MeanKlDivergence => Positions == 0 ? 0 : _sumKl / Positions;

    /// <summary>Adds one position: A's and B's logits over the same classes.</summary>
    public void Add(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length || a.Length == 0)
        {
            throw new ArgumentException($"Logit rows differ in length ({a.Length} vs {b.Length}) or are empty.");
        }

        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            MaxAbsDifference = Math.Max(MaxAbsDifference, d);
            _sumAbs += d;
        }

        _values += a.Length;
        Positions++;
        if (ArgMax(a) == ArgMax(b))
        {
            Top1Agreements++;
        }

        _sumKl += KlDivergence(a, b);
    }

    /// <summary>Adds every position of another comparison.</summary>
    public void Add(LogitComparison other)
    {
        ArgumentNullException.ThrowIfNull(other);
        MaxAbsDifference = Math.Max(MaxAbsDifference, other.MaxAbsDifference);
        _sumAbs += other._sumAbs;
        _values += other._values;
        _sumKl += other._sumKl;
        Positions += other.Positions;
        Top1Agreements += other.Top1Agreements;
    }

    /// <summary>Index of the first maximum.</summary>
    public static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>KL(softmax(a) ‖ softmax(b)) = Σ p_a (log p_a − log p_b), with stable log-softmax.</summary>
    public static double KlDivergence(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var logZa = LogSumExp(a);
        var logZb = LogSumExp(b);
        double kl = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var logPa = a[i] - logZa;
            kl += Math.Exp(logPa) * (logPa - (b[i] - logZb));
        }

        return Math.Max(0, kl);
    }

    private static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (var v in values)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }
}
