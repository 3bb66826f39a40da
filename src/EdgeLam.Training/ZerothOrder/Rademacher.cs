using EdgeLam.Core.Randomness;

namespace EdgeLam.Training.ZerothOrder;

/// <summary>
/// Perturbation directions z with independent ±1 entries (Rademacher), drawn 64 signs at a time from
/// <see cref="SplitMix64"/>. SPSA with Rademacher directions has the same unbiased gradient estimate as MeZO's
/// Gaussian ones (E[z zᵀ] = I) and needs no transcendental function, so z is bit-identical on x86-64 and arm64 and a
/// node can redraw it from its seed instead of storing or sending it. Nothing here allocates.
/// </summary>
public static class Rademacher
{
    /// <summary><c>destination[i] = theta[i] + scale · z[i]</c>, z drawn from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Perturbed(ulong seed, float scale, ReadOnlySpan<float> theta, Span<float> destination)
    {
        if (theta.Length != destination.Length)
        {
            throw new ArgumentException("theta and destination must have the same length.", nameof(destination));
        }

        var stream = new SplitMix64(seed);
        for (var start = 0; start < theta.Length; start += 64)
        {
            var bits = stream.Next();
            var end = Math.Min(start + 64, theta.Length);
            for (var i = start; i < end; i++, bits >>= 1)
            {
                destination[i] = (bits & 1) == 0 ? theta[i] + scale : theta[i] - scale;
            }
        }
    }

    /// <summary><c>theta[i] += scale · z[i]</c>, z drawn from <paramref name="seed"/> (the update step).</summary>
    public static void AddScaled(ulong seed, float scale, Span<float> theta) => Perturbed(seed, scale, theta, theta);

    /// <summary>z itself (for tests and diagnostics).</summary>
    public static void Fill(ulong seed, Span<float> z)
    {
        z.Clear();
        AddScaled(seed, 1f, z);
    }
}
