namespace EdgeLam.Sensors.Tokenization;

/// <summary>
/// The default encoder's seeded parameters: W [width, hidden] drawn from N(0, 1/width) (Box–Muller over a seeded
/// <see cref="Random"/>), bias [hidden] from N(0, 0.01²). Same seed, same weights.
/// </summary>
public sealed class PatchEncoderWeights
{
    public PatchEncoderWeights(int width, int hidden, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        Width = width;
        Hidden = hidden;
        Seed = seed;
        var random = new Random(seed);
        var std = 1.0 / Math.Sqrt(width);
        Weight = new float[width * hidden];
        for (var i = 0; i < Weight.Length; i++)
        {
            Weight[i] = (float)(std * Gaussian(random));
        }

        Bias = new float[hidden];
        for (var i = 0; i < Bias.Length; i++)
        {
            Bias[i] = (float)(0.01 * Gaussian(random));
        }
    }

    public int Width { get; }

    public int Hidden { get; }

    public int Seed { get; }

    /// <summary>Row-major [width, hidden].</summary>
    public float[] Weight { get; }

    public float[] Bias { get; }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
