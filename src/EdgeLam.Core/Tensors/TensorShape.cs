using System.Globalization;
using System.Text;

namespace EdgeLam.Core.Tensors;

/// <summary>Formatting of shapes for messages.</summary>
public static class TensorShape
{
    /// <summary>Formats a shape as <c>[2, 8, 99]</c>; a dynamic dimension (-1) prints as its symbolic name when given, else <c>?</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape, IReadOnlyList<string>? symbolicNames = null)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            if (shape[i] >= 0)
            {
                sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            }
            else if (symbolicNames is not null && i < symbolicNames.Count && symbolicNames[i].Length > 0)
            {
                sb.Append(symbolicNames[i]);
            }
            else
            {
                sb.Append('?');
            }
        }

        return sb.Append(']').ToString();
    }
}
