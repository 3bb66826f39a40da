using System.Globalization;
using System.Text;

namespace EdgeLam.Core.Npy;

/// <summary>
/// The header dictionary of an <c>.npy</c> file (a Python literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 8), }</c>), parsed without evaluating anything.
/// </summary>
internal readonly record struct NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    public static NpyHeader Parse(string text)
    {
        var p = new Parser(text);
        var header = p.ParseDict();
        p.SkipSpace();
        if (!p.AtEnd)
        {
            throw p.Error("unexpected text after the header dictionary");
        }

        return header;
    }

    public string Format()
    {
        var sb = new StringBuilder("{'descr': '").Append(Descr).Append("', 'fortran_order': ")
            .Append(FortranOrder ? "True" : "False").Append(", 'shape': (");
        for (var i = 0; i < Shape.Length; i++)
        {
            sb.Append(Shape[i].ToString(CultureInfo.InvariantCulture));
            if (Shape.Length == 1 || i < Shape.Length - 1)
            {
                sb.Append(',');
            }

            if (i < Shape.Length - 1)
            {
                sb.Append(' ');
            }
        }

        return sb.Append("), }").ToString();
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public readonly bool AtEnd => _pos >= _text.Length;

        public NpyHeader ParseDict()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (TryTake('}'))
                {
                    break;
                }

                var key = ParseString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        if (Peek() is not ('\'' or '"'))
                        {
                            throw new NpyFormatException("Structured dtypes (a list as 'descr') are not supported.");
                        }

                        descr = ParseString();
                        break;
                    case "fortran_order":
                        fortran = ParseBool();
                        break;
                    case "shape":
                        shape = ParseShape();
                        break;
                    default:
                        throw Error("unknown key '" + key + "'");
                }

                SkipSpace();
                if (TryTake('}'))
                {
                    break;
                }

                Expect(',');
            }

            if (descr is null || fortran is null || shape is null)
            {
                throw new NpyFormatException("The .npy header lacks " + (descr is null ? "'descr'" : fortran is null ? "'fortran_order'" : "'shape'") + ".");
            }

            return new NpyHeader(descr, fortran.Value, shape);
        }

        private long[] ParseShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (TryTake(')'))
                {
                    break;
                }

                var start = _pos;
                while (!AtEnd && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }

                if (_pos == start || !long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                {
                    throw Error("expected a non-negative dimension");
                }

                dims.Add(d);
                SkipSpace();
                if (TryTake(')'))
                {
                    break;
                }

                Expect(',');
            }

            return [.. dims];
        }

        private bool ParseBool()
        {
            if (_text.AsSpan(_pos).StartsWith("True", StringComparison.Ordinal))
            {
                _pos += 4;
                return true;
            }

            if (_text.AsSpan(_pos).StartsWith("False", StringComparison.Ordinal))
            {
                _pos += 5;
                return false;
            }

            throw Error("expected True or False");
        }

        private string ParseString()
        {
            var quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }

            _pos++;
            var end = _text.IndexOf(quote, _pos);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            var s = _text[_pos..end];
            _pos = end + 1;
            return s;
        }

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private readonly char Peek() => AtEnd ? '\0' : _text[_pos];

        private bool TryTake(char c)
        {
            if (Peek() == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Error("expected '" + c + "'");
            }
        }

        public readonly NpyFormatException Error(string what) =>
            new("Malformed .npy header at character " + _pos + ": " + what + " in \"" + _text.Trim() + "\".");
    }
}
