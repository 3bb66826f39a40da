using EdgeLam.Orchestration.Planning;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary>Small hand-made problems whose optimum is worked out by hand in the tests.</summary>
internal static class Problems
{
    /// <summary>
    /// <paramref name="blocks"/> blocks of 100 weight bytes and 1 compute unit each; no embedding or head cost; every
    /// boundary cuttable with 64 raw bytes per position (16 float32), 32 for fp16/bf16, 18 for int8 (16 + one scale).
    /// </summary>
    public static CostTable Uniform(int blocks, long kvBytesPerPosition = 0) => new(
        Enumerable.Repeat(new BlockCost(100, kvBytesPerPosition, 1), blocks).ToList(),
        new EndCost(0, 0),
        new EndCost(0, 0),
        Enumerable.Repeat<CutCost?>(new CutCost(64, 32, 32, 18), blocks + 1).ToList(),
        ResultBytes: 0);

    public static PlanningNode Gateway(string id, double decodeMs, long memory, double prefillMs = 0, double weight = 1) =>
        new(id, IsGateway: true, EligibleAsPeer: false, decodeMs, prefillMs, memory, RequestWeight: weight);

    public static PlanningNode Peer(string id, double decodeMs, long memory, double prefillMs = 0) =>
        new(id, IsGateway: false, EligibleAsPeer: true, decodeMs, prefillMs, memory);

    /// <summary>Links both ways; 64 000 B/s makes a 64-byte raw position cost 1 ms.</summary>
    public static IEnumerable<NodeLink> Both(string a, string b, double roundTripMs = 2, double bytesPerSecond = 64_000) =>
        [new NodeLink(a, b, roundTripMs, bytesPerSecond), new NodeLink(b, a, roundTripMs, bytesPerSecond)];

    public static IReadOnlyList<WireCodec> RawOnly { get; } = [WireCodec.Raw];

    /// <summary>The worked two-node instance: gateway 10 ms/unit, peer 1 ms/unit, 4 blocks, raw only, 1 ms one way + 1 ms bytes.</summary>
    public static PlanningProblem TwoNodes(int floor = 1, long peerMemory = 1000, long gatewayMemory = 1000) => new()
    {
        Costs = Uniform(4),
        Nodes = [Gateway("gw", 10, gatewayMemory), Peer("peer", 1, peerMemory)],
        Links = [.. Both("gw", "peer")],
        Constraints = new PlanningConstraints { PrivacyFloor = floor, AllowedCodecs = RawOnly },
    };
}
