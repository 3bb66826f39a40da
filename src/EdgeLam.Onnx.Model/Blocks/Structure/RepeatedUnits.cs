namespace EdgeLam.Onnx.Model.Blocks.Structure;

/// <summary>A run of <paramref name="Count"/> equal units of <paramref name="Period"/> items from <paramref name="Start"/>.</summary>
public readonly record struct UnitRun(int Start, int Period, int Count)
{
    /// <summary>Items the run covers.</summary>
    public int Coverage => Period * Count;

    /// <summary>First item after the run.</summary>
    public int End => Start + Coverage;
}

/// <summary>
/// Finds the repeated unit in a sequence of signatures (one per weight-reading op, in graph order): the runs of at
/// least two consecutive windows of equal length holding the same signatures. Windows are compared as multisets, so
/// independent ops that a topological order may list in either order (q/k/v projections) still match.
/// </summary>
public static class RepeatedUnits
{
    /// <summary>
    /// The maximal runs that cover the most items (ties: every period and start that reaches it, smallest period
    /// first, then earliest start). Empty when nothing repeats.
    /// </summary>
    public static IReadOnlyList<UnitRun> Longest(IReadOnlyList<string> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        var m = signatures.Count;
        var ids = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var prefix = new ulong[m + 1];
        for (var i = 0; i < m; i++)
        {
            if (!ids.TryGetValue(signatures[i], out var value))
            {
                value = Mix((ulong)ids.Count + 1);
                ids[signatures[i]] = value;
            }

            prefix[i + 1] = unchecked(prefix[i] + value);
        }

        var best = new List<UnitRun>();
        var bestCoverage = 0;
        for (var p = 1; p <= m / 2; p++)
        {
            var windows = m - p + 1;
            var run = new int[windows];
            for (var s = windows - 1; s >= 0; s--)
            {
                var next = s + p;
                run[s] = 1 + (next < windows && Window(prefix, s, p) == Window(prefix, next, p) ? run[next] : 0);
            }

            for (var s = 0; s < windows; s++)
            {
                var extendsBack = s - p >= 0 && Window(prefix, s - p, p) == Window(prefix, s, p);
                if (run[s] < 2 || extendsBack)
                {
                    continue;
                }

                var candidate = new UnitRun(s, p, run[s]);
                if (candidate.Coverage < bestCoverage || !Verified(signatures, candidate))
                {
                    continue;
                }

                if (candidate.Coverage > bestCoverage)
                {
                    best.Clear();
                    bestCoverage = candidate.Coverage;
                }

                best.Add(candidate);
            }
        }

        return best;
    }

    /// <summary>The window's signatures as a sorted list (the unit's content).</summary>
    public static IReadOnlyList<string> Unit(IReadOnlyList<string> signatures, int start, int period)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        return signatures.Skip(start).Take(period).Order(StringComparer.Ordinal).ToList();
    }

    private static ulong Window(ulong[] prefix, int start, int period) => unchecked(prefix[start + period] - prefix[start]);

    /// <summary>Exact check of a run found by hashing (rules out hash collisions).</summary>
    private static bool Verified(IReadOnlyList<string> signatures, UnitRun run)
    {
        var first = Unit(signatures, run.Start, run.Period);
        for (var k = 1; k < run.Count; k++)
        {
            if (!first.SequenceEqual(Unit(signatures, run.Start + (k * run.Period), run.Period), StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>SplitMix64 finaliser: spreads small ids over 64 bits so window sums rarely collide.</summary>
    private static ulong Mix(ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
