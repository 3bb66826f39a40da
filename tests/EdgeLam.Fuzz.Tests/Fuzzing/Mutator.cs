using System.Text;

namespace EdgeLam.Fuzz.Tests.Fuzzing;

/// <summary>
/// Makes inputs from seeds: byte mutations (flips, interesting bytes, deletions, insertions, duplications, splices,
/// truncation) and, for JSON, value and structure mutations (a value replaced by one of another type or an extreme
/// one, a member dropped or repeated, deep nesting). Several mutations may stack on one input.
/// </summary>
public sealed class Mutator(Random random, bool json)
{
    private static readonly byte[] InterestingBytes = [0, 1, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'-', (byte)'e', (byte)'.'];

    private static readonly string[] InterestingValues =
    [
        "null", "true", "false", "0", "-1", "1", "-0", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "1e308", "1e309", "-1e309", "4.9e-324", "0.5", "1.0000000000000002", "\"\"", "\"x\"", "\"\\u0000\"",
        "\"\\ud800\"", "\"NaN\"", "\"Infinity\"", "\"-1\"", "\"1e400\"", "\"../../etc/passwd\"", "\"/dev/null\"", "[]", "{}", "[null]",
        "{\"\":null}", "[1,2,3]", "\"" + new string('a', 5000) + "\"", new string('[', 3000) + new string(']', 3000), "\"é漢字\"",
    ];

    public byte[] Next(IReadOnlyList<byte[]> seeds)
    {
        var data = seeds[random.Next(seeds.Count)];
        var rounds = 1 + random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            data = json && random.Next(3) != 0 ? MutateJson(data) : MutateBytes(data, seeds);
        }

        return data;
    }

    private byte[] MutateBytes(byte[] data, IReadOnlyList<byte[]> seeds)
    {
        var bytes = new List<byte>(data);
        var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(8))
        {
            case 0 when bytes.Count > 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when bytes.Count > 0:
                bytes[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2 when bytes.Count > 0:
                bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                break;
            case 3:
                bytes.InsertRange(at, Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)));
                break;
            case 4 when bytes.Count > 0:
                var length = Math.Min(bytes.Count - at, 1 + random.Next(64));
                bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                break;
            case 5:
                var other = seeds[random.Next(seeds.Count)];
                var from = other.Length == 0 ? 0 : random.Next(other.Length);
                bytes.RemoveRange(at, bytes.Count - at);
                bytes.AddRange(other.AsSpan(from).ToArray());
                break;
            case 6 when bytes.Count > 0:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            default:
                if (bytes.Count > 0)
                {
                    bytes[at] = (byte)random.Next(256);
                }

                break;
        }

        return [.. bytes];
    }

    private byte[] MutateJson(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var values = ValueStarts(text);
        if (values.Count == 0)
        {
            return data;
        }

        var (start, end) = values[random.Next(values.Count)];
        string result = random.Next(6) switch
        {
            // drop the member or element (with the comma before it, when there is one)
            0 => DropValue(text, start, end),

            // repeat it (a duplicate member name, or one more element)
            1 => text[..end] + "," + RepeatedMember(text, start, end) + text[end..],

            // nest it deeper
            2 => text[..start] + "[" + text[start..end] + "]" + text[end..],
            _ => text[..start] + InterestingValues[random.Next(InterestingValues.Length)] + text[end..],
        };
        return Encoding.UTF8.GetBytes(result);
    }

    private static string DropValue(string text, int start, int end)
    {
        var memberStart = MemberStart(text, start);
        var comma = memberStart - 1;
        while (comma >= 0 && char.IsWhiteSpace(text[comma]))
        {
            comma--;
        }

        return comma >= 0 && text[comma] == ',' ? text[..comma] + text[end..] : text[..memberStart] + text[end..];
    }

    private static string RepeatedMember(string text, int start, int end) => text[MemberStart(text, start)..end];

    /// <summary>Where the member holding the value at <paramref name="start"/> begins: its name, or the value in an array.</summary>
    private static int MemberStart(string text, int start)
    {
        var i = start - 1;
        while (i >= 0 && char.IsWhiteSpace(text[i]))
        {
            i--;
        }

        if (i < 0 || text[i] != ':')
        {
            return start;
        }

        i--;
        while (i >= 0 && char.IsWhiteSpace(text[i]))
        {
            i--;
        }

        if (i < 0 || text[i] != '"')
        {
            return start;
        }

        var open = text.LastIndexOf('"', i - 1 < 0 ? 0 : i - 1);
        return open < 0 ? start : open;
    }

    /// <summary>Spans of JSON values that follow ':' ',' or '[' (scalars, strings, objects, arrays), found by a light scan.</summary>
    private static List<(int Start, int End)> ValueStarts(string text)
    {
        var spans = new List<(int, int)>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = StringEnd(text, i) - 1;
            }
            else if (c is ':' or '[' or ',')
            {
                var s = i + 1;
                while (s < text.Length && char.IsWhiteSpace(text[s]))
                {
                    s++;
                }

                var e = ValueEnd(text, s);
                if (e > s && !(c == ',' && s < text.Length && text[s] == '"' && e < text.Length && NextNonSpace(text, e) == ':'))
                {
                    spans.Add((s, e));
                }
            }
        }

        return spans;
    }

    private static char NextNonSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i < text.Length ? text[i] : '\0';
    }

    /// <summary>The index after the string whose opening quote is at <paramref name="quote"/> (escapes skipped), or the text's end.</summary>
    private static int StringEnd(string text, int quote)
    {
        for (var i = quote + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i + 1;
            }
        }

        return text.Length;
    }

    private static int ValueEnd(string text, int s)
    {
        if (s >= text.Length)
        {
            return s;
        }

        if (text[s] == '"')
        {
            return StringEnd(text, s);
        }

        if (text[s] is '{' or '[')
        {
            var depth = 0;
            for (var i = s; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '"')
                {
                    i = StringEnd(text, i) - 1;
                }
                else if (c is '{' or '[')
                {
                    depth++;
                }
                else if (c is '}' or ']' && --depth == 0)
                {
                    return i + 1;
                }
            }

            return text.Length;
        }

        var end = s;
        while (end < text.Length && text[end] is not (',' or '}' or ']') && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return end;
    }
}
