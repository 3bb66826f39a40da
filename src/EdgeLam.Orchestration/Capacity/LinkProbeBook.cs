namespace EdgeLam.Orchestration.Capacity;

/// <summary>One probe to send: to <see cref="Peer"/>, numbered <see cref="Sequence"/>, with <see cref="PaddingBytes"/> of zeros.</summary>
public readonly record struct ProbeRequest(string Peer, long Sequence, int PaddingBytes);

/// <summary>What a node measured of its link to one peer: medians over the recent rounds; null before any answer.</summary>
/// <param name="Peer">The node at the other end.</param>
/// <param name="RoundTripMs">Median round trip of the small probe (request there, echo back), milliseconds.</param>
/// <param name="BytesPerSecond">Median throughput to the peer: the large probe's padding over its extra round-trip time.</param>
/// <param name="Answered">Probes answered.</param>
/// <param name="Lost">Probes not answered within one interval.</param>
public readonly record struct LinkEstimate(string Peer, double? RoundTripMs, double? BytesPerSecond, long Answered, long Lost);

/// <summary>
/// The bookkeeping of link probing, without I/O or clock (the caller passes a monotonic time of its own clock): which
/// probes are due (one round per peer every <see cref="LinkProbeSettings.Interval"/>: a small probe and a large one),
/// which are outstanding, and the round trip and throughput their echoes give. Only the sender's clock is used: a
/// round trip is the time between sending a probe and receiving its echo, both read here. Not thread-safe.
/// </summary>
public sealed class LinkProbeBook
{
    private readonly LinkProbeSettings _settings;
    private readonly SortedDictionary<string, PeerLink> _peers = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Outstanding> _outstanding = [];
    private long _nextSequence = 1;

    public LinkProbeBook(LinkProbeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.LargeBytes);
        _settings = settings;
    }

    /// <summary>Probes sent and not yet answered or given up.</summary>
    public int Pending => _outstanding.Count;

    /// <summary>
    /// The peers to probe from now on (every other online node): new ones are due at once, gone ones are forgotten with
    /// their outstanding probes. At most <see cref="LinkProbeSettings.MaxPeers"/>, by name.
    /// </summary>
    public void SetPeers(IEnumerable<string> peers, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var wanted = peers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(LinkProbeSettings.MaxPeers).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _peers.Keys.Where(p => !wanted.Contains(p)).ToList())
        {
            _peers.Remove(gone);
        }

        foreach (var (sequence, _) in _outstanding.Where(o => !wanted.Contains(o.Value.Peer)).ToList())
        {
            _outstanding.Remove(sequence);
        }

        foreach (var peer in wanted)
        {
            if (!_peers.ContainsKey(peer))
            {
                _peers[peer] = new PeerLink(_settings.Window, now);
            }
        }
    }

    /// <summary>
    /// The probes due at <paramref name="now"/>: for each peer whose round is due, a small probe (no padding) and a large
    /// one (<see cref="LinkProbeSettings.LargeBytes"/>); probes older than one interval count as lost. Empty when off.
    /// </summary>
    public IReadOnlyList<ProbeRequest> Due(TimeSpan now)
    {
        if (!_settings.Enabled)
        {
            return [];
        }

        foreach (var (sequence, o) in _outstanding.Where(o => now - o.Value.SentAt >= _settings.Interval).ToList())
        {
            _outstanding.Remove(sequence);
            _peers[o.Peer].Lost++;
        }

        var due = new List<ProbeRequest>();
        foreach (var (peer, link) in _peers)
        {
            if (now < link.NextRound)
            {
                continue;
            }

            link.Round++;
            link.NextRound = now + (link.Round < _settings.FastRounds && _settings.FastInterval < _settings.Interval ? _settings.FastInterval : _settings.Interval);
            link.RoundSmallMs = link.RoundLargeMs = null;
            due.Add(Send(peer, link.Round, 0, now));
            if (_settings.LargeBytes > 0)
            {
                due.Add(Send(peer, link.Round, _settings.LargeBytes, now));
            }
        }

        return due;
    }

    /// <summary>
    /// Records the echo of probe <paramref name="sequence"/> from <paramref name="peer"/>, received at
    /// <paramref name="now"/>; false for an echo of no outstanding probe to that peer (late, duplicated or forged).
    /// </summary>
    public bool Answer(string peer, long sequence, TimeSpan now)
    {
        if (!_outstanding.TryGetValue(sequence, out var probe) || probe.Peer != peer || now < probe.SentAt)
        {
            return false;
        }

        _outstanding.Remove(sequence);
        var link = _peers[peer];
        link.Answered++;
        var ms = (now - probe.SentAt).TotalMilliseconds;
        if (probe.PaddingBytes == 0)
        {
            link.RoundTrip.Add(ms);
        }

        if (probe.Round != link.Round)
        {
            return true;
        }

        if (probe.PaddingBytes == 0)
        {
            link.RoundSmallMs = ms;
        }
        else
        {
            link.RoundLargeMs = ms;
            link.RoundLargeBytes = probe.PaddingBytes;
        }

        if (link.RoundSmallMs is { } small && link.RoundLargeMs is { } large)
        {
            var seconds = Math.Max(large - small, LinkProbeSettings.Resolution.TotalMilliseconds) / 1000;
            link.Throughput.Add(link.RoundLargeBytes / seconds);
            link.RoundSmallMs = link.RoundLargeMs = null;
        }

        return true;
    }

    /// <summary>The current estimate of every peer's link, by peer name.</summary>
    public IReadOnlyList<LinkEstimate> Estimates() =>
        [.. _peers.Select(p => new LinkEstimate(p.Key, p.Value.RoundTrip.Median(), p.Value.Throughput.Median(), p.Value.Answered, p.Value.Lost))];

    private ProbeRequest Send(string peer, long round, int padding, TimeSpan now)
    {
        var sequence = _nextSequence++;
        _outstanding[sequence] = new Outstanding(peer, round, padding, now);
        return new ProbeRequest(peer, sequence, padding);
    }

    private readonly record struct Outstanding(string Peer, long Round, int PaddingBytes, TimeSpan SentAt);

    private sealed class PeerLink(int window, TimeSpan firstRound)
    {
        public MedianWindow RoundTrip { get; } = new(window);

        public MedianWindow Throughput { get; } = new(window);

        public TimeSpan NextRound { get; set; } = firstRound;

        public long Round { get; set; }

        public double? RoundSmallMs { get; set; }

        public double? RoundLargeMs { get; set; }

        public int RoundLargeBytes { get; set; }

        public long Answered { get; set; }

        public long Lost { get; set; }
    }
}
