namespace EdgeLam.Onnx.Model.Quantization;

/// <summary>
/// A glob found anywhere in a name: <c>*</c> stands for any run of characters, <c>?</c> for one, everything else for
/// itself (ordinal). <c>lm_head</c> matches <c>/lm_head/MatMul</c>; <c>layers.1?.</c> matches blocks 10–19. Used
/// instead of regular expressions so the NativeAOT binary carries no regex engine for a user pattern (~1.2 MB).
/// </summary>
public static class NamePattern
{
    /// <summary>True when <paramref name="pattern"/> matches a part of <paramref name="name"/>.</summary>
    public static bool IsFoundIn(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Matches(("*" + pattern + "*").AsSpan(), name.AsSpan());
    }

    /// <summary>Whole-string glob match, greedy with one backtrack point (linear in practice, no recursion).</summary>
    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
