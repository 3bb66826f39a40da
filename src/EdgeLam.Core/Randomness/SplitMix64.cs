namespace EdgeLam.Core.Randomness;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014; Vigna's reference splitmix64.c): seeds <see cref="Xoshiro256StarStar"/>.</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
