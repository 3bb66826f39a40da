using EdgeLam.Inference.Chain;

namespace EdgeLam.Inference.Tests.Chain;

public sealed class ChainWiringTests
{
    [Fact]
    public void Sources_LaterSegmentTakesEarlierOutputs_NearestProducer()
    {
        // Segment 2 takes "h" (produced by 0 and 1: the nearest, 1, wins) and "rope" (only 0 produces it).
        var sources = ChainWiring.Sources(
            new SegmentRange(0, 2, 3),
            ["s0", "s1", "s2"],
            [[], ["h"], ["h", "rope"]],
            [["h", "rope"], ["present.0", "h"], ["logits"]],
            []);

        Assert.Empty(sources[0]);
        Assert.Equal(new[] { new TensorSource(0, 0) }, sources[1]);
        Assert.Equal(new[] { new TensorSource(1, 1), new TensorSource(0, 1) }, sources[2]);
    }

    [Fact]
    public void Sources_MiddleRange_TensorsNoHostedSegmentMakesComeFromIncomingFrame()
    {
        // Range 1-2 of 4: segment 1 reads the frame; segment 2 takes "h" from segment 1 and "rope" from the frame.
        var sources = ChainWiring.Sources(
            new SegmentRange(1, 2, 4),
            ["s1", "s2"],
            [["h", "rope"], ["h", "rope"]],
            [["h"], ["h"]],
            ["h", "rope"]);

        Assert.Equal(new[] { new TensorSource(-1, 0), new TensorSource(-1, 1) }, sources[0]);
        Assert.Equal(new[] { new TensorSource(0, 0), new TensorSource(-1, 1) }, sources[1]);
        Assert.True(sources[1][1].IsIncoming);
    }

    [Fact]
    public void Sources_FirstRangeInputNobodyProduces_InferenceExceptionNamingIt()
    {
        var error = Assert.Throws<InferenceException>(() => ChainWiring.Sources(
            new SegmentRange(0, 1, 2),
            ["s0", "s1"],
            [[], ["missing"]],
            [["h"], ["logits"]],
            []));

        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Segment 1 (s1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outgoing_NextRangeTakesOutputsInItsOrder_IndicesOfLastSegment()
    {
        var indices = ChainWiring.Outgoing(new SegmentRange(0, 0, 2), "s0", ["present.0", "h", "rope"], ["rope", "h"]);

        Assert.Equal(new[] { 2, 1 }, indices);
    }

    [Fact]
    public void Outgoing_TensorTheLastSegmentDoesNotMake_InferenceException()
    {
        var error = Assert.Throws<InferenceException>(() => ChainWiring.Outgoing(new SegmentRange(0, 0, 2), "s0", ["h"], ["h", "rope"]));

        Assert.Contains("'rope'", error.Message, StringComparison.Ordinal);
    }
}
