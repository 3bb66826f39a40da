using System.Text.RegularExpressions;
using EdgeLam.Testing;

namespace EdgeLam.Onnx.Interop.Tests;

/// <summary>
/// An independent count of <c>struct OrtApi</c> in <c>native/onnxruntime/include/onnxruntime_c_api.h</c>: every
/// member (ORT_API2_STATUS, ORT_API_T, ORT_CLASS_RELEASE or a plain function pointer) is one slot, numbered from 0,
/// with the "\since Version 1.N" of the comment above it when there is one.
/// </summary>
internal static partial class OrtApiHeader
{
    public static string HeaderPath => Path.Combine(TestPaths.RepoRoot, "native", "onnxruntime", "include", "onnxruntime_c_api.h");

    public static IReadOnlyList<(string Name, int? SinceMinor)> Slots()
    {
        var text = File.ReadAllText(HeaderPath);
        var start = text.IndexOf("struct OrtApi {", StringComparison.Ordinal);
        Assert.True(start >= 0, "struct OrtApi not found in " + HeaderPath);
        var open = text.IndexOf('{', start);
        var depth = 0;
        var end = -1;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                end = i;
                break;
            }
        }

        var body = text[(open + 1)..end];
        var slots = new List<(string, int?)>();
        int? since = null;
        foreach (Match m in Token().Matches(body))
        {
            var t = m.Value;
            if (t.StartsWith("/*", StringComparison.Ordinal) || t.StartsWith("//", StringComparison.Ordinal))
            {
                var s = Since().Match(t);
                if (s.Success)
                {
                    since = int.Parse(s.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                }

                continue;
            }

            var decl = t.Trim().TrimEnd(';').Trim();
            string? name = null;
            if (StatusDecl().Match(decl) is { Success: true } a)
            {
                name = a.Groups[1].Value;
            }
            else if (TypedDecl().Match(decl) is { Success: true } b)
            {
                name = b.Groups[1].Value;
            }
            else if (ReleaseDecl().Match(decl) is { Success: true } c)
            {
                name = "Release" + c.Groups[1].Value;
            }
            else if (PointerDecl().Match(decl) is { Success: true } d)
            {
                name = d.Groups[1].Value;
            }

            if (name is not null)
            {
                slots.Add((name, since));
                since = null;
            }
        }

        return slots;
    }

    [GeneratedRegex(@"/\*.*?\*/|//[^\n]*|[^;/]+;|/", RegexOptions.Singleline)]
    private static partial Regex Token();

    [GeneratedRegex(@"\\since Version 1\.(\d+)")]
    private static partial Regex Since();

    [GeneratedRegex(@"^ORT_API2_STATUS\(\s*(\w+)")]
    private static partial Regex StatusDecl();

    [GeneratedRegex(@"^ORT_API_T\([^,]+,\s*(\w+)")]
    private static partial Regex TypedDecl();

    [GeneratedRegex(@"^ORT_CLASS_RELEASE\(\s*(\w+)")]
    private static partial Regex ReleaseDecl();

    [GeneratedRegex(@"\(\s*ORT_API_CALL\s*\*\s*(\w+)\s*\)")]
    private static partial Regex PointerDecl();
}
