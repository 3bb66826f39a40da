namespace EdgeLam.Core.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014; Vigna's reference splitmix64.c): a 64-bit state advanced by a constant and
/// finalised by a bijective mix. Integer arithmetic only, so every platform draws the same numbers from a seed. Seeds
/// <see cref="Xoshiro256StarStar"/> and draws the training perturbations.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>The finaliser alone: a bijection of 64-bit values with good avalanche (hashes a seed's parts together).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
