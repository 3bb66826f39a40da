using EdgeLam.Inference.Chain;

namespace EdgeLam.Inference.Tests.Chain;

public sealed class SegmentRangeTests
{
    [Theory]
    [InlineData(0, 0, 1, true, true, -1, -1)]
    [InlineData(0, 1, 3, true, false, -1, 1)]
    [InlineData(1, 1, 3, false, false, 0, 1)]
    [InlineData(2, 3, 4, false, true, 1, -1)]
    public void Range_Position_FirstLastAndCuts(int first, int last, int total, bool isFirst, bool isLast, int incoming, int outgoing)
    {
        var range = new SegmentRange(first, last, total);

        Assert.Equal((isFirst, isLast, incoming, outgoing), (range.IsFirst, range.IsLast, range.IncomingBoundary, range.OutgoingBoundary));
        Assert.Equal(last - first + 1, range.Count);
    }

    [Theory]
    [InlineData(-1, 0, 2)]
    [InlineData(1, 0, 2)]
    [InlineData(0, 2, 2)]
    [InlineData(0, 0, 0)]
    public void Range_OutsideModel_ArgumentOutOfRange(int first, int last, int total) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentRange(first, last, total));

    [Fact]
    public void All_ThreeSegments_HostsEachAndIsFirstAndLast()
    {
        var range = SegmentRange.All(3);

        Assert.Equal(new SegmentRange(0, 2, 3), range);
        Assert.True(range.IsFirst && range.IsLast);
        Assert.Equal("0-2 of 3", range.ToString());
    }
}
