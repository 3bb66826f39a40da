using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Simulation;

namespace EdgeLam.Orchestration.Tests.Capacity;

public class LinkPricingTests
{
    private static NodeCapacity Node(string id, LinkMeasurement[]? links = null, HopMeasurement[]? hops = null) =>
        new() { Id = id, DecodeMsPerUnit = 1, MemoryAvailableBytes = 1000, Links = links ?? [], Hops = hops ?? [] };

    private static ScenarioLink Link(IReadOnlyList<ScenarioLink> links, string from, string to) => links.Single(l => l.From == from && l.To == to);

    [Fact]
    public void Links_ProbesOnly_ProbeFiguresAndScaleOne()
    {
        var links = LinkPricing.Links([Node("gw", links: [new LinkMeasurement("a", 80, 200_000)]), Node("a")], out var scale);

        Assert.Equal(1, scale);
        Assert.Equal((80.0, 200_000.0), (Link(links, "gw", "a").RoundTripMs!.Value, Link(links, "gw", "a").BytesPerSecond!.Value));
        Assert.Equal((80.0, 200_000.0), (Link(links, "a", "gw").RoundTripMs!.Value, Link(links, "a", "gw").BytesPerSecond!.Value));
    }

    [Fact]
    public void Links_ChainWithTrafficAndAPeerWithout_TrafficLinksFromHopsProbeOnlyScaledLikeThem()
    {
        // gw → a carries frames (one-way 2 ms forward, 3 ms back); every probe round trip is 100 ms; b has no traffic.
        var links = LinkPricing.Links(
            [
                Node("gw", links: [new("a", 100, 100_000), new("b", 100, 100_000)], hops: [new("gw", "a", 2), new("a", "gw", 3)]),
                Node("a", links: [new("gw", 100, 100_000), new("b", 100, 100_000)]),
                Node("b", links: [new("gw", 100, 100_000), new("a", 100, 100_000)]),
            ],
            out var scale);

        Assert.Equal(0.05, scale, 12); // median of 2·2/100 and 2·3/100
        Assert.Equal(4, Link(links, "gw", "a").RoundTripMs!.Value, 12);
        Assert.Equal(6, Link(links, "a", "gw").RoundTripMs!.Value, 12);
        Assert.Equal(5, Link(links, "gw", "b").RoundTripMs!.Value, 12); // 100 ms probe × 0.05: priced like the hops seen
        Assert.Equal(5, Link(links, "b", "a").RoundTripMs!.Value, 12);
        Assert.All(links, l => Assert.Equal(2_000_000, l.BytesPerSecond!.Value, 6)); // 100 kB/s ÷ 0.05
    }

    [Fact]
    public void Links_HopOneWayOnly_UsedBothWays()
    {
        var links = LinkPricing.Links([Node("gw", links: [new("a", 10, 1_000)], hops: [new("gw", "a", 1)]), Node("a")], out var scale);

        Assert.Equal(0.2, scale, 12);
        Assert.Equal(2, Link(links, "gw", "a").RoundTripMs!.Value, 12);
        Assert.Equal(2, Link(links, "a", "gw").RoundTripMs!.Value, 12);
    }

    [Fact]
    public void Links_TwoGatewaysMeasureOneLink_MedianOfTheirHops()
    {
        var links = LinkPricing.Links(
            [
                Node("g1", links: [new("a", 10, 1_000)], hops: [new("g1", "a", 1), new("a", "b", 2)]),
                Node("g2", hops: [new("g2", "a", 1), new("a", "b", 4)]),
                Node("a"),
                Node("b"),
            ],
            out _);

        Assert.Equal(6, Link(links, "a", "b").RoundTripMs!.Value, 12); // 2 × median(2, 4)
    }

    [Fact]
    public void Links_TrafficWithoutAnyProbe_SiteThroughputElseLeftOut()
    {
        var withSite = LinkPricing.Links(
            [Node("gw", links: [new("a", 10, 1_000)], hops: [new("gw", "b", 1)]), Node("a"), Node("b")],
            out var scale);
        var alone = LinkPricing.Links([Node("gw", hops: [new("gw", "b", 1)]), Node("b")], out _);

        Assert.Equal(1, scale); // no link measured both ways
        Assert.Equal((2.0, 1_000.0), (Link(withSite, "gw", "b").RoundTripMs!.Value, Link(withSite, "gw", "b").BytesPerSecond!.Value));
        Assert.Empty(alone);
    }

    [Fact]
    public void Links_BadHopFigures_Ignored()
    {
        var links = LinkPricing.Links([Node("gw", links: [new("a", 10, 1_000)], hops: [new("gw", "a", double.NaN), new("gw", "a", -1)]), Node("a")], out var scale);

        Assert.Equal(1, scale);
        Assert.Equal(10, Link(links, "gw", "a").RoundTripMs!.Value);
    }
}
