namespace EdgeLam.Benchmarks.Fidelity;

/// <summary>
/// Compares a tensor against a reference (for the codec fidelity table): largest absolute difference and cosine
/// similarity, both accumulated in double. NaN anywhere makes the result NaN.
/// </summary>
public static class FidelityMetrics
{
    /// <summary>max |actual[i] - expected[i]|; 0 for empty inputs.</summary>
    public static double MaxAbsError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        RequireSameLength(expected, actual);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(difference))
            {
                return double.NaN;
            }

            max = Math.Max(max, difference);
        }

        return max;
    }

    /// <summary>
    /// (a · b) / (|a| |b|); 1 when both vectors are all zero (identical), 0 when exactly one is.
    /// </summary>
    public static double CosineSimilarity(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        RequireSameLength(expected, actual);
        double dot = 0, normExpected = 0, normActual = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            dot += (double)expected[i] * actual[i];
            normExpected += (double)expected[i] * expected[i];
            normActual += (double)actual[i] * actual[i];
        }

        if (normExpected == 0 && normActual == 0)
        {
            return 1;
        }

        if (normExpected == 0 || normActual == 0)
        {
            return 0;
        }

        return dot / (Math.Sqrt(normExpected) * Math.Sqrt(normActual));
    }

    /// <summary>Index of the largest element (first one on ties); -1 for an empty span. For top-1 agreement.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (best < 0 || values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static void RequireSameLength(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException("The tensors have different lengths.", nameof(actual));
        }
    }
}
