namespace EdgeLam.Wire.Tests.Support;

/// <summary>Test inputs mixing ordinary values with NaN, ±∞, ±0, subnormals, rounding ties and random bit patterns.</summary>
internal static class FloatSamples
{
    public static readonly float[] Specials =
    [
        0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN,
        BitConverter.UInt32BitsToSingle(0x7FC12345u), BitConverter.UInt32BitsToSingle(0xFF800001u), // quiet / signalling NaN payloads
        float.Epsilon, -float.Epsilon, BitConverter.UInt32BitsToSingle(0x00800000u), // smallest float32 subnormal / normal
        float.MaxValue, float.MinValue, 1f, -1f, 0.5f, 3.14159265f,
        65504f, 65519.99f, 65520f, -65520f, 1e10f,                                   // binary16 max, below/at the overflow tie
        MathF.Pow(2, -24), MathF.Pow(2, -25), MathF.Pow(2, -25) * 1.0000001f, MathF.Pow(2, -14), MathF.Pow(2, -15),
        1f + MathF.Pow(2, -11), 1f + (3 * MathF.Pow(2, -11)), 1f + MathF.Pow(2, -8), 1f + (3 * MathF.Pow(2, -8)), // ties
        BitConverter.UInt32BitsToSingle(0x7F7F8000u), BitConverter.UInt32BitsToSingle(0x7F7FFFFFu),              // bfloat16 overflow
    ];

    /// <summary><paramref name="count"/> values: a quarter from <see cref="Specials"/>, a quarter random bit patterns, the rest ordinary.</summary>
    public static float[] Mixed(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.Next(4) switch
            {
                0 => Specials[random.Next(Specials.Length)],
                1 => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)),
                2 => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 20))),
                _ => (float)((random.NextDouble() * 2) - 1),
            };
        }

        return values;
    }

    /// <summary>Approximately normal values (sum of uniforms), like activations.</summary>
    public static float[] Gaussian(Random random, int count, double sigma)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double s = 0;
            for (int k = 0; k < 12; k++)
            {
                s += random.NextDouble();
            }

            values[i] = (float)((s - 6) * sigma);
        }

        return values;
    }
}
