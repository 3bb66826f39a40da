using System.Globalization;
using System.Text;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Transport.Envelope;

/// <summary>
/// Which node holds a conversation's KV cache after each cut (boundary → node), as an activation carries it in
/// <c>edgelam-route</c> (<c>"0=peer-a;1=peer-b;"</c>). Reused from step to step: reading a route equal to the one held
/// allocates nothing. It also makes the one choice of topic for a frame: a conversation's holder's own topic when the
/// route names one for the boundary, else the stage's shared topic.
/// </summary>
public sealed class ActivationRoute
{
    private readonly List<(int Boundary, string Node)> _hops = new(4);

    /// <summary>Boundaries the route names.</summary>
    public int Count => _hops.Count;

    /// <summary>The node holding the conversation after <paramref name="boundary"/>, or null when none is known.</summary>
    public string? Holder(int boundary)
    {
        foreach (var (b, node) in _hops)
        {
            if (b == boundary)
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>Records that <paramref name="node"/> holds the conversation after <paramref name="boundary"/>.</summary>
    public void Set(int boundary, string node)
    {
        for (var i = 0; i < _hops.Count; i++)
        {
            if (_hops[i].Boundary == boundary)
            {
                if (!string.Equals(_hops[i].Node, node, StringComparison.Ordinal))
                {
                    _hops[i] = (boundary, node);
                }

                return;
            }
        }

        _hops.Add((boundary, node));
    }

    /// <summary>Forgets every holder (the conversation moves: its next frame goes to the shared topics).</summary>
    public void Clear() => _hops.Clear();

    /// <summary>
    /// The topic for a frame entering the stage after <paramref name="boundary"/>: the holder's own topic
    /// (<see cref="TopicScheme.PeerActivation"/>) when the route names one, else the stage's shared topic
    /// (<see cref="TopicScheme.Activation"/>).
    /// </summary>
    public string Topic(TopicScheme topics, string model, int boundary)
    {
        ArgumentNullException.ThrowIfNull(topics);
        return Holder(boundary) is { } holder ? topics.PeerActivation(model, boundary, holder) : topics.Activation(model, boundary);
    }

    /// <summary>
    /// Replaces the route with <paramref name="text"/>; entries with a bad boundary or node name are skipped (a peer
    /// never forwards to a name it could not subscribe as). Node names equal to those held are kept, not copied.
    /// </summary>
    public void Read(string? text)
    {
        var old = _hops.Count;
        var count = 0;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(';');
            var part = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            var eq = part.IndexOf('=');
            if (eq <= 0 || !TryBoundary(part[..eq], out var boundary) || !TopicScheme.IsValidName(part[(eq + 1)..]))
            {
                continue;
            }

            var node = part[(eq + 1)..];
            var index = IndexOf(boundary, count);
            if (index >= 0)
            {
                Put(index, boundary, node, old);
                continue;
            }

            Put(count, boundary, node, old);
            count++;
        }

        _hops.RemoveRange(count, _hops.Count - count);
    }

    /// <summary>Adds the holders of a reply's route (boundary as decimal text → node); bad entries are skipped.</summary>
    public void Merge(IReadOnlyDictionary<string, string> route)
    {
        ArgumentNullException.ThrowIfNull(route);
        foreach (var (key, node) in route)
        {
            if (TryBoundary(key, out var boundary) && TopicScheme.IsValidName(node))
            {
                Set(boundary, node);
            }
        }
    }

    /// <summary>The route as a reply carries it (boundary as decimal text → node).</summary>
    public Dictionary<string, string> ToDictionary()
    {
        var route = new Dictionary<string, string>(_hops.Count, StringComparer.Ordinal);
        foreach (var (boundary, node) in _hops)
        {
            route[boundary.ToString(CultureInfo.InvariantCulture)] = node;
        }

        return route;
    }

    /// <summary>The <c>edgelam-route</c> text, boundaries ascending.</summary>
    public override string ToString()
    {
        if (_hops.Count == 0)
        {
            return string.Empty;
        }

        _hops.Sort((a, b) => a.Boundary.CompareTo(b.Boundary));
        var sb = new StringBuilder();
        foreach (var (boundary, node) in _hops)
        {
            sb.Append(boundary.ToString(CultureInfo.InvariantCulture)).Append('=').Append(node).Append(';');
        }

        return sb.ToString();
    }

    private int IndexOf(int boundary, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (_hops[i].Boundary == boundary)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Writes slot <paramref name="index"/>, reusing a held node string equal to <paramref name="node"/>.</summary>
    private void Put(int index, int boundary, ReadOnlySpan<char> node, int old)
    {
        string? same = null;
        for (var i = 0; i < old && same is null; i++)
        {
            if (node.SequenceEqual(_hops[i].Node))
            {
                same = _hops[i].Node;
            }
        }

        var entry = (boundary, same ?? node.ToString());
        if (index < _hops.Count)
        {
            _hops[index] = entry;
        }
        else
        {
            _hops.Add(entry);
        }
    }

    private static bool TryBoundary(ReadOnlySpan<char> text, out int boundary) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out boundary) && boundary <= TopicScheme.MaxBoundary;
}
