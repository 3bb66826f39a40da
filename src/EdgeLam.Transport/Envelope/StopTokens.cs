using System.Globalization;
using System.Text;

namespace EdgeLam.Transport.Envelope;

/// <summary>
/// The request's stop tokens as an activation carries them in <c>edgelam-stop-tokens</c> (<c>"2,13"</c>): the text
/// is made once per request by the gateway and passed on unchanged; a stage reads it into reused storage, so checking
/// a step's token allocates nothing.
/// </summary>
public sealed class StopTokens
{
    private readonly List<long> _tokens = [];

    /// <summary>The property text (empty for none).</summary>
    public string Text { get; private set; } = string.Empty;

    /// <summary>The tokens.</summary>
    public IReadOnlyList<long> Tokens => _tokens;

    /// <summary>True when <paramref name="token"/> ends the request.</summary>
    public bool Contains(long token) => _tokens.Contains(token);

    /// <summary>Sets the tokens (the gateway, once per request).</summary>
    public void Set(IEnumerable<long> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens.Clear();
        _tokens.AddRange(tokens);
        var sb = new StringBuilder();
        foreach (var t in _tokens)
        {
            sb.Append(sb.Length == 0 ? string.Empty : ",").Append(t.ToString(CultureInfo.InvariantCulture));
        }

        Text = sb.ToString();
    }

    /// <summary>Reads the property text; entries that are not integers are skipped.</summary>
    public void Read(string? text)
    {
        text ??= string.Empty;
        if (ReferenceEquals(text, Text) || string.Equals(text, Text, StringComparison.Ordinal))
        {
            return;
        }

        _tokens.Clear();
        Text = text;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(',');
            var part = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            if (long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var token))
            {
                _tokens.Add(token);
            }
        }
    }
}
