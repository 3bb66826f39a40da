namespace EdgeLam.Wire.Contracts;

/// <summary>
/// One dimension of an expected tensor shape: a fixed size, a bounded range, or a named symbolic dimension
/// (for example "sequence") that must take the same value in every tensor of a frame.
/// </summary>
public readonly record struct DimensionSpec
{
    private DimensionSpec(int min, int max, string? symbol)
    {
        if (min < 0 || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), "A dimension range needs 0 <= min <= max.");
        }

        Min = min;
        Max = max;
        Symbol = symbol;
    }

    /// <summary>Smallest accepted size.</summary>
    public int Min { get; }

    /// <summary>Largest accepted size.</summary>
    public int Max { get; }

    /// <summary>The symbol name, or null for an anonymous dimension.</summary>
    public string? Symbol { get; }

    /// <summary>Exactly <paramref name="size"/>.</summary>
    public static DimensionSpec Fixed(int size) => new(size, size, null);

    /// <summary>Any size in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static DimensionSpec Range(int min, int max) => new(min, max, null);

    /// <summary>A size in [<paramref name="min"/>, <paramref name="max"/>] shared by every dimension named <paramref name="symbol"/>.</summary>
    public static DimensionSpec Symbolic(string symbol, int min, int max)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        return new(min, max, symbol);
    }

    /// <summary>Whether <paramref name="size"/> is within the bounds.</summary>
    public bool Accepts(long size) => size >= Min && size <= Max;
}
