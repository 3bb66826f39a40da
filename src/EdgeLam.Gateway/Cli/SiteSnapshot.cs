using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// What a site's retained messages say at one moment: every node's status and capacity, and the plan if one is
/// published. Pure: <see cref="Capacities"/> turns it into the orchestrator's capacity snapshot for one model.
/// </summary>
internal sealed record SiteSnapshot
{
    public IReadOnlyDictionary<string, NodeStatusMessage> Statuses { get; init; } = new Dictionary<string, NodeStatusMessage>();

    public IReadOnlyDictionary<string, NodeCapacityMessage> CapacityMessages { get; init; } = new Dictionary<string, NodeCapacityMessage>();

    public AgreedPlan? Plan { get; init; }

    /// <summary>Every node named by a status or a capacity message, by name.</summary>
    public IEnumerable<string> Nodes => Statuses.Keys.Union(CapacityMessages.Keys).Order(StringComparer.Ordinal);

    /// <summary>
    /// Each node's capacity for <paramref name="modelId"/>: online from its status (no status: assumed online), a
    /// gateway when its roles say so; compute from the range it hosts of that model, else from another model it hosts
    /// (the rate per compute unit is the node's, not the model's); the weights of that model's range it hosts now;
    /// the links with both figures measured; the hops of a gateway's frames.
    /// </summary>
    public IReadOnlyList<NodeCapacity> Capacities(string modelId) =>
    [
        .. Nodes.Select(id =>
        {
            Statuses.TryGetValue(id, out var status);
            CapacityMessages.TryGetValue(id, out var capacity);
            var hosted = Hosted(capacity, modelId);
            var rate = hosted ?? capacity?.Models.FirstOrDefault(m => m.DecodeMsPerUnit is not null);
            return new NodeCapacity
            {
                Id = id,
                Online = status is null ? capacity is not null : status.State == NodeState.Online,
                Gateway = (capacity?.Roles ?? status?.Roles ?? []).Contains("gateway"),
                DecodeMsPerUnit = rate?.DecodeMsPerUnit,
                PrefillMsPerPositionPerUnit = rate?.PrefillMsPerPositionPerUnit,
                MemoryAvailableBytes = capacity?.MemoryBytes,
                HostedWeightBytes = hosted?.WeightBytes ?? 0,
                Links =
                [
                    .. (capacity?.Links ?? [])
                        .Where(l => l.RoundTripMs is not null && l.BytesPerSecond is not null)
                        .Select(l => new LinkMeasurement(l.To, l.RoundTripMs!.Value, l.BytesPerSecond!.Value)),
                ],
                Hops = [.. (capacity?.Hops ?? []).Select(h => new HopMeasurement(h.From, h.To, h.OneWayMs))],
            };
        }),
    ];

    /// <summary>The range of <paramref name="modelId"/> a node hosts, if any.</summary>
    public static HostedSegments? Hosted(NodeCapacityMessage? capacity, string modelId) =>
        capacity?.Models.FirstOrDefault(m => m.ModelId == modelId);
}
