namespace EdgeLam.Orchestration.Capacity;

/// <summary>One stage of a step as its timings tell it: the node, the hop into it and the time it kept the step.</summary>
/// <param name="Node">The stage's node.</param>
/// <param name="HopMs">From the previous stage sending the frame to this stage taking it (0 for the gateway's own stage).</param>
/// <param name="BusyMs">The stage's own time: decoding the frame, compute, encoding the next one.</param>
public readonly record struct StageHop(string Node, double HopMs, double BusyMs);

/// <summary>A link's one-way time as real frames took it: the median over the recent hops, and how many were seen.</summary>
public readonly record struct HopEstimate(string From, string To, double OneWayMs, long Samples);

/// <summary>
/// The hop times of a gateway's real steps, per directed link (pure: the caller passes what its steps measured): every
/// hop into a peer stage (its <c>hopUs</c>) and the return from the last stage, which is the step's time at the gateway
/// less every stage's hop and own time. Smoothed per link by a <see cref="MedianWindow"/> of the last
/// <see cref="Window"/> hops; a link keeps its figure when the plan no longer uses it (the evidence stays valid).
/// Not thread-safe (callers lock).
/// </summary>
public sealed class HopBook
{
    /// <summary>Hops kept per link.</summary>
    public const int Window = 32;

    /// <summary>Links tracked at most (the first ones seen); hops of others are ignored.</summary>
    public const int MaxLinks = 256;

    private readonly SortedDictionary<(string From, string To), MedianWindow> _links = new(LinkOrder.Instance);

    /// <summary>Records one hop from <paramref name="from"/> to <paramref name="to"/>; false when ignored (a loop, a bad time, too many links).</summary>
    public bool Record(string from, string to, double ms)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from == to || !(ms >= 0 && double.IsFinite(ms)))
        {
            return false;
        }

        if (!_links.TryGetValue((from, to), out var window))
        {
            if (_links.Count >= MaxLinks)
            {
                return false;
            }

            _links[(from, to)] = window = new MedianWindow(Window);
        }

        return window.Add(ms);
    }

    /// <summary>
    /// Records the hops of one step of <paramref name="gateway"/> that took <paramref name="stepMs"/> end to end:
    /// <paramref name="stages"/> in chain order, the gateway's own first. Each later stage gives the hop from the stage
    /// before it; the return hop (last stage → gateway) is what the step's time leaves after every stage's hop and own
    /// time (at least 0). A step the gateway ran alone has no hops.
    /// </summary>
    public void RecordStep(string gateway, IReadOnlyList<StageHop> stages, double stepMs)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count < 2 || stages[0].Node != gateway)
        {
            return;
        }

        var accounted = stages[0].BusyMs;
        for (var i = 1; i < stages.Count; i++)
        {
            Record(stages[i - 1].Node, stages[i].Node, stages[i].HopMs);
            accounted += Math.Max(0, stages[i].HopMs) + Math.Max(0, stages[i].BusyMs);
        }

        Record(stages[^1].Node, gateway, Math.Max(0, stepMs - accounted));
    }

    /// <summary>Every link's median one-way time, ordered by (from, to).</summary>
    public IReadOnlyList<HopEstimate> Estimates() =>
        [.. _links.Where(l => l.Value.Median() is not null).Select(l => new HopEstimate(l.Key.From, l.Key.To, l.Value.Median()!.Value, l.Value.Count))];

    private sealed class LinkOrder : IComparer<(string From, string To)>
    {
        public static readonly LinkOrder Instance = new();

        public int Compare((string From, string To) x, (string From, string To) y)
        {
            var c = string.CompareOrdinal(x.From, y.From);
            return c != 0 ? c : string.CompareOrdinal(x.To, y.To);
        }
    }
}
