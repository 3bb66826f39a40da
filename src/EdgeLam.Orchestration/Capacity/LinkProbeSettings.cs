namespace EdgeLam.Orchestration.Capacity;

/// <summary>How a node measures its links to the other nodes (configuration <c>Node:ProbeInterval</c>, <c>Node:ProbeBytes</c>).</summary>
public sealed record LinkProbeSettings
{
    /// <summary>Most peers one node probes (a site bigger than this is probed for the first ones by name).</summary>
    public const int MaxPeers = 64;

    /// <summary>The smallest time difference a throughput sample rests on; below it the link is "at least" this fast.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(0.1);

    /// <summary>One probe round (a small and a large probe) per peer this often; <see cref="TimeSpan.Zero"/> turns probing off.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A peer's first <see cref="FastRounds"/> rounds come this often (when shorter than <see cref="Interval"/>), so a
    /// node that just joined has link figures for the first plan within seconds.
    /// </summary>
    public TimeSpan FastInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Rounds per newly seen peer at <see cref="FastInterval"/> (default: one <see cref="Window"/>).</summary>
    public int FastRounds { get; init; } = 8;

    /// <summary>Padding of the large probe, bytes (zeros; never model or sensor data).</summary>
    public int LargeBytes { get; init; } = 16 * 1024;

    /// <summary>Samples per peer the round trip and the throughput are the median of.</summary>
    public int Window { get; init; } = 8;

    /// <summary>Probing is on.</summary>
    public bool Enabled => Interval > TimeSpan.Zero;
}
