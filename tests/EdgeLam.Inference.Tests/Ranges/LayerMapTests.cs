using EdgeLam.Inference.Chain;
using EdgeLam.Inference.Ranges;

namespace EdgeLam.Inference.Tests.Ranges;

public sealed class LayerMapTests
{
    // A 4-block model split at every boundary: embedding, blocks 0..3, head.
    private static readonly LayerMap PerBlock = new(
        4,
        [(0, 0), (0, 1), (1, 2), (2, 3), (3, 4), (4, 4)],
        [["past.0.key", "past.0.value"], ["past.1.key", "past.1.value"], ["past.2.key", "past.2.value"], ["past.3.key", "past.3.value"]]);

    [Theory]
    [InlineData(0, 2, 0, 2)]
    [InlineData(2, 4, 3, 5)]
    [InlineData(1, 3, 2, 3)]
    [InlineData(0, 4, 0, 5)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(4, 4, 5, 5)]
    public void Map_PerBlockSplit_EmbeddingWithGatewayHeadWithLastRange(int start, int end, int first, int last)
    {
        var segments = PerBlock.Map(new LayerRange(start, end, 4));

        Assert.Equal(new SegmentRange(first, last, 6), segments);
    }

    [Fact]
    public void Map_EndNotACutOfTheSplit_InferenceExceptionNamingTheCuts()
    {
        var map = new LayerMap(4, [(0, 2), (2, 4)], [[], [], [], []]);

        var error = Assert.Throws<InferenceException>(() => map.Map(new LayerRange(0, 1, 4)));

        Assert.Contains("boundary 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("cuts at 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SegmentRange(1, 1, 2), map.Map(new LayerRange(2, 4, 4)));
    }

    [Fact]
    public void Map_RangeOfAnotherModel_InferenceException() =>
        Assert.Throws<InferenceException>(() => PerBlock.Map(new LayerRange(0, 2, 6)));

    [Fact]
    public void LayerMap_ManualTensorCut_InferenceException()
    {
        Assert.Throws<InferenceException>(() => new LayerMap(0, [(-1, -1), (-1, -1)], []));
        Assert.Throws<InferenceException>(() => new LayerMap(2, [(0, 1), (0, 2)], [[], []]));
        Assert.Throws<InferenceException>(() => new LayerMap(2, [(0, 1)], [[], []]));
    }

    [Fact]
    public void KvTensors_BlocksOneToThree_TheirPastInputsInBlockOrder() =>
        Assert.Equal(["past.1.key", "past.1.value", "past.2.key", "past.2.value"], PerBlock.KvTensors(1, 3));

    [Theory]
    [InlineData(0, 5)]
    [InlineData(-1, 2)]
    [InlineData(3, 2)]
    [InlineData(2, 2)]
    public void LayerRange_OutsideTheModelOrEmptyInTheMiddle_ArgumentOutOfRange(int start, int end) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayerRange(start, end, 4));

    [Fact]
    public void Shared_OverlappingAndDisjointRanges_CommonBlocksOrNull()
    {
        var gatewayA = new LayerRange(0, 2, 4);

        Assert.Equal((1, 2), gatewayA.Shared(new LayerRange(1, 4, 4)));
        Assert.Null(gatewayA.Shared(new LayerRange(2, 4, 4)));
        Assert.True(gatewayA.HostsEmbedding && !gatewayA.HostsHead);
        Assert.Throws<ArgumentException>(() => gatewayA.Shared(new LayerRange(0, 2, 3)));
    }
}
