using EdgeLam.Transport.Layouts;

namespace EdgeLam.Transport.Handover;

/// <summary>Who holds each block in an epoch, and what a handover between two epochs sends where; pure.</summary>
internal static class BlockOwners
{
    /// <summary>
    /// The owner of every block [0, <paramref name="blocks"/>) in the epoch of <paramref name="gatewayLayout"/>: the
    /// gateway below its cut, then each hop of the chain up to the next hop's boundary.
    /// </summary>
    public static string[] Of(NodeLayout gatewayLayout, string gateway, int blocks)
    {
        var owners = new string[blocks];
        for (var b = 0; b < blocks; b++)
        {
            owners[b] = gateway;
            foreach (var hop in gatewayLayout.Chain)
            {
                if (hop.Boundary <= b)
                {
                    owners[b] = hop.Node;
                }
            }
        }

        return owners;
    }

    /// <summary>
    /// Per old owner, where each of its blocks goes (its new owner; the same node when it keeps the block, since every
    /// epoch runs its own caches). In block order, old owners in order of their first block.
    /// </summary>
    public static List<(string Node, List<KvBlockTarget> Targets)> Orders(string[] from, string[] to)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(to.Length, from.Length);
        var orders = new List<(string Node, List<KvBlockTarget> Targets)>();
        for (var b = 0; b < from.Length; b++)
        {
            var order = orders.FindIndex(o => o.Node == from[b]);
            if (order < 0)
            {
                orders.Add((from[b], []));
                order = orders.Count - 1;
            }

            orders[order].Targets.Add(new KvBlockTarget(b, to[b]));
        }

        return orders;
    }

    /// <summary>How many blocks change node between the two epochs (their KV crosses the broker).</summary>
    public static int Moving(string[] from, string[] to) => from.Where((node, b) => node != to[b]).Count();
}
