using EdgeLam.Orchestration.Simulation;

namespace EdgeLam.Orchestration.Capacity;

/// <summary>
/// The links of a capacity snapshot as the planner prices them (pure: no I/O, no clock). A link that carried real
/// frames is priced from their hops (a gateway's <see cref="NodeCapacity.Hops"/>: round trip = 2 × the median one-way
/// hop); a link without traffic from its probes (<see cref="NodeCapacity.Links"/>), scaled by how the probes compare
/// with real hops where a link has both: the median over those links of (2 × hop) / probe round trip. Probes are JSON
/// messages on a connection of their own at a low rate, so on a loaded machine they take far longer than frames on the
/// busy role connections; the scale keeps a chain without traffic comparable with the one in use. Without any link
/// measured both ways the scale is 1 (probes alone, as before the first steps). Throughput comes from the probes,
/// divided by the same scale. Each direction falls back to the other (a round trip is the same both ways).
/// </summary>
public static class LinkPricing
{
    /// <summary>The priced links between <paramref name="nodes"/>, by (from, to); a pair with no figure at all is absent.</summary>
    public static IReadOnlyList<ScenarioLink> Links(IReadOnlyList<NodeCapacity> nodes) => Links(nodes, out _);

    /// <summary>As <see cref="Links(IReadOnlyList{NodeCapacity})"/>, with the probe scale used.</summary>
    public static IReadOnlyList<ScenarioLink> Links(IReadOnlyList<NodeCapacity> nodes, out double probeScale)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var pairs = new List<(string From, string To, LinkMeasurement? Probe, double? Hop)>();
        foreach (var from in nodes)
        {
            foreach (var to in nodes.Where(to => to.Id != from.Id))
            {
                var probe = Probe(from, to.Id) ?? Probe(to, from.Id);
                var hop = Hop(nodes, from.Id, to.Id) ?? Hop(nodes, to.Id, from.Id);
                pairs.Add((from.Id, to.Id, probe, hop));
            }
        }

        var ratios = pairs.Where(p => p.Probe is { RoundTripMs: > 0 } && p.Hop is not null).Select(p => 2 * p.Hop!.Value / p.Probe!.RoundTripMs).ToList();
        probeScale = ratios.Count == 0 ? 1 : Median(ratios);
        var scale = probeScale > 0 ? probeScale : 1;
        var throughputs = pairs.Where(p => p.Probe is not null).Select(p => p.Probe!.BytesPerSecond / scale).ToList();
        double? siteThroughput = throughputs.Count == 0 ? null : Median(throughputs);
        var links = new List<ScenarioLink>();
        foreach (var (from, to, probe, hop) in pairs)
        {
            double? bytesPerSecond = probe is not null ? probe.BytesPerSecond / scale : siteThroughput;
            double? roundTrip = hop is { } h ? 2 * h : probe is not null ? probe.RoundTripMs * probeScale : null;
            if (roundTrip is { } rtt && bytesPerSecond is { } bps)
            {
                links.Add(new ScenarioLink { From = from, To = to, RoundTripMs = rtt, BytesPerSecond = bps });
            }
        }

        return [.. links.OrderBy(l => l.From, StringComparer.Ordinal).ThenBy(l => l.To, StringComparer.Ordinal)];
    }

    private static LinkMeasurement? Probe(NodeCapacity node, string to) => node.Links.FirstOrDefault(l => l?.To == to);

    /// <summary>The median of what the gateways measured on the link from → to; null when none did.</summary>
    private static double? Hop(IReadOnlyList<NodeCapacity> nodes, string from, string to)
    {
        var seen = nodes.SelectMany(n => n.Hops).Where(h => h is not null && h.From == from && h.To == to && h.OneWayMs >= 0 && double.IsFinite(h.OneWayMs)).Select(h => h.OneWayMs).ToList();
        return seen.Count == 0 ? null : Median(seen);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
