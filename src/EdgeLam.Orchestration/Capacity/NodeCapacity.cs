namespace EdgeLam.Orchestration.Capacity;

/// <summary>
/// One node's measured capacity for one model, as the orchestrator reads it from the node's retained capacity and
/// status messages (docs/protocol.md, "Capacity"): compute in the planner's units, memory, and the links it measured.
/// </summary>
public sealed record NodeCapacity
{
    public required string Id { get; init; }

    /// <summary>The node's retained status is online (its last will says offline).</summary>
    public bool Online { get; init; } = true;

    /// <summary>The node takes requests (role gateway).</summary>
    public bool Gateway { get; init; }

    /// <summary>Milliseconds per compute unit of one decode position (measured, or the start-up estimate).</summary>
    public double? DecodeMsPerUnit { get; init; }

    /// <summary>Milliseconds per compute unit per position of a prefill (measured, or the start-up estimate).</summary>
    public double? PrefillMsPerPositionPerUnit { get; init; }

    /// <summary>Memory available now for more weights and KV caches, bytes.</summary>
    public long? MemoryAvailableBytes { get; init; }

    /// <summary>Weight bytes of the layers the node hosts now; a new plan releases them, so they count as available to it.</summary>
    public long HostedWeightBytes { get; init; }

    /// <summary>Links this node measured to other nodes.</summary>
    public IReadOnlyList<LinkMeasurement> Links { get; init; } = [];

    /// <summary>A gateway: the hops its own steps' frames took, per link of its chains (<see cref="HopBook"/>).</summary>
    public IReadOnlyList<HopMeasurement> Hops { get; init; } = [];
}

/// <summary>A link as its sending node measured it over the broker.</summary>
/// <param name="To">The node at the other end.</param>
/// <param name="RoundTripMs">Median round trip of a small probe, milliseconds.</param>
/// <param name="BytesPerSecond">Median throughput to <paramref name="To"/>.</param>
public sealed record LinkMeasurement(string To, double RoundTripMs, double BytesPerSecond);

/// <summary>A link's one-way time as a gateway's real frames took it (median of the recent hops).</summary>
/// <param name="From">The sending node.</param>
/// <param name="To">The receiving node.</param>
/// <param name="OneWayMs">Median time from sending a frame to the receiver taking it, milliseconds.</param>
public sealed record HopMeasurement(string From, string To, double OneWayMs);

/// <summary>A node the capacity snapshot leaves out of the problem, and why.</summary>
public sealed record LeftOutNode(string Id, string Reason)
{
    public override string ToString() => $"{Id}: {Reason}";
}
