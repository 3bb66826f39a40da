namespace EdgeLam.Orchestration.Capacity;

/// <summary>One stage of a step as its timings tell it: the node, the hop into it and the time it kept the step.</summary>
/// <param name="Node">The stage's node.</param>
/// <param name="HopMs">From the previous stage sending the frame to this stage taking it (0 for the gateway's own stage).</param>
/// <param name="BusyMs">The stage's own time: decoding the frame, compute, encoding the next one.</param>
public readonly record struct StageHop(string Node, double HopMs, double BusyMs);

/// <summary>A link's one-way time as real frames took it: the median over the recent hops, and how many were seen.</summary>
public readonly record struct HopEstimate(string From, string To, double OneWayMs, long Samples);

/// <summary>
/// The hop times of a gateway's real steps, per directed link (pure: the caller passes what its steps measured and
/// its clock's time): every hop into a peer stage (its <c>hopUs</c>) and the return from the last stage (the reply's
/// own hop, else what the step's time at the gateway leaves after every stage's hop and own time). Smoothed per link
/// by a <see cref="MedianWindow"/> of the last <see cref="Window"/> hops; a link that carried no frame for
/// <see cref="MaxAge"/> is dropped (the plan moved away from it: its probes price it again). Not thread-safe (callers lock).
/// </summary>
public sealed class HopBook
{
    /// <summary>Hops kept per link.</summary>
    public const int Window = 32;

    /// <summary>Links tracked at most (the first ones seen); hops of others are ignored.</summary>
    public const int MaxLinks = 256;

    /// <summary>How long a link keeps its figure after its last hop.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly SortedDictionary<(string From, string To), (MedianWindow Hops, TimeSpan Last)> _links = new(LinkOrder.Instance);

    /// <summary>Records one hop from <paramref name="from"/> to <paramref name="to"/> at <paramref name="now"/>; false when ignored (a loop, a bad time, too many links).</summary>
    public bool Record(string from, string to, double ms, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from == to || !(ms >= 0 && double.IsFinite(ms)))
        {
            return false;
        }

        Forget(now);
        if (!_links.TryGetValue((from, to), out var link))
        {
            if (_links.Count >= MaxLinks)
            {
                return false;
            }

            link = (new MedianWindow(Window), now);
        }

        _links[(from, to)] = (link.Hops, now);
        return link.Hops.Add(ms);
    }

    /// <summary>
    /// Records the hops of one step of <paramref name="gateway"/> that took <paramref name="stepMs"/> end to end, at
    /// <paramref name="now"/>: <paramref name="stages"/> in chain order, the gateway's own first. Each later stage gives
    /// the hop from the stage before it; the return hop (last stage → gateway) is <paramref name="returnMs"/>, the
    /// reply's own, or without it what the step's time leaves after every stage's hop and own time (at least 0). A step
    /// the gateway ran alone has no hops.
    /// </summary>
    public void RecordStep(string gateway, IReadOnlyList<StageHop> stages, double stepMs, double? returnMs, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count < 2 || stages[0].Node != gateway)
        {
            return;
        }

        var accounted = stages[0].BusyMs;
        for (var i = 1; i < stages.Count; i++)
        {
            Record(stages[i - 1].Node, stages[i].Node, stages[i].HopMs, now);
            accounted += Math.Max(0, stages[i].HopMs) + Math.Max(0, stages[i].BusyMs);
        }

        Record(stages[^1].Node, gateway, returnMs ?? Math.Max(0, stepMs - accounted), now);
    }

    /// <summary>Every link's median one-way time at <paramref name="now"/> (links idle for <see cref="MaxAge"/> left out), ordered by (from, to).</summary>
    public IReadOnlyList<HopEstimate> Estimates(TimeSpan now)
    {
        Forget(now);
        return [.. _links.Where(l => l.Value.Hops.Median() is not null).Select(l => new HopEstimate(l.Key.From, l.Key.To, l.Value.Hops.Median()!.Value, l.Value.Hops.Count))];
    }

    private void Forget(TimeSpan now)
    {
        foreach (var idle in _links.Where(l => now - l.Value.Last >= MaxAge).Select(l => l.Key).ToList())
        {
            _links.Remove(idle);
        }
    }

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
