namespace EdgeLam.Training.ZerothOrder;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit state advanced by a constant and finalised by a bijective mix.
/// Integer arithmetic only, so every platform draws the same numbers from the same seed.
/// </summary>
public static class SplitMix64
{
    /// <summary>The next 64 random bits; advances <paramref name="state"/>.</summary>
    public static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>The SplitMix64 finaliser: a bijection of 64-bit values with good avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
