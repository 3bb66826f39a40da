using EdgeLam.Orchestration.Capacity;

namespace EdgeLam.Orchestration.Tests.Capacity;

public class HopBookTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);

    [Fact]
    public void RecordStep_ThreeStages_EachForwardHopAndTheReturnFromWhatTheStepLeaves()
    {
        var book = new HopBook();

        // gw busy 2 ms, hop 1.5 ms to a (busy 4), hop 0.5 ms to b (busy 3): 11 ms accounted of a 12 ms step.
        book.RecordStep("gw", [new StageHop("gw", 0, 2), new StageHop("a", 1.5, 4), new StageHop("b", 0.5, 3)], 12, null, T0);

        Assert.Equal(
            [new HopEstimate("a", "b", 0.5, 1), new HopEstimate("b", "gw", 1, 1), new HopEstimate("gw", "a", 1.5, 1)],
            book.Estimates(T0));
    }

    [Fact]
    public void RecordStep_ReplyMeasuredItsOwnHop_ReturnIsThatHop()
    {
        var book = new HopBook();

        book.RecordStep("gw", [new StageHop("gw", 0, 2), new StageHop("a", 1.5, 4)], 30, 0.7, T0);

        Assert.Equal(0.7, book.Estimates(T0).Single(h => h.To == "gw").OneWayMs);
    }

    [Fact]
    public void RecordStep_StagesTakeLongerThanTheStep_ReturnIsZero()
    {
        var book = new HopBook();

        book.RecordStep("gw", [new StageHop("gw", 0, 5), new StageHop("a", 3, 5)], 10, null, T0);

        Assert.Equal(0, book.Estimates(T0).Single(h => h.To == "gw").OneWayMs);
    }

    [Fact]
    public void RecordStep_GatewayAloneOrAnotherGatewaysStep_RecordsNothing()
    {
        var book = new HopBook();

        book.RecordStep("gw", [new StageHop("gw", 0, 5)], 5, null, T0);
        book.RecordStep("gw", [new StageHop("other", 0, 1), new StageHop("a", 1, 1)], 5, null, T0);

        Assert.Empty(book.Estimates(T0));
    }

    [Fact]
    public void Record_OneSlowHopAmongMany_MedianKeepsTheTypical()
    {
        var book = new HopBook();
        foreach (var ms in new[] { 2.0, 2.2, 180, 1.8, 2.1 })
        {
            book.Record("gw", "a", ms, T0);
        }

        var hop = Assert.Single(book.Estimates(T0));
        Assert.Equal(2.1, hop.OneWayMs);
        Assert.Equal(5, hop.Samples);
    }

    [Fact]
    public void Record_MoreThanTheWindow_OnlyTheRecentCount()
    {
        var book = new HopBook();
        for (var i = 0; i < HopBook.Window; i++)
        {
            book.Record("gw", "a", 100, T0);
        }

        for (var i = 0; i < HopBook.Window; i++)
        {
            book.Record("gw", "a", 3, T0);
        }

        Assert.Equal(3, Assert.Single(book.Estimates(T0)).OneWayMs);
    }

    [Theory]
    [InlineData("gw", "gw", 1)]
    [InlineData("gw", "a", -1)]
    [InlineData("gw", "a", double.NaN)]
    [InlineData("gw", "a", double.PositiveInfinity)]
    public void Record_LoopOrBadTime_Ignored(string from, string to, double ms)
    {
        var book = new HopBook();

        Assert.False(book.Record(from, to, ms, T0));
        Assert.Empty(book.Estimates(T0));
    }

    [Fact]
    public void Record_MoreLinksThanTheLimit_LaterLinksIgnored()
    {
        var book = new HopBook();
        for (var i = 0; i < HopBook.MaxLinks; i++)
        {
            Assert.True(book.Record("gw", "n" + i, 1, T0));
        }

        Assert.False(book.Record("gw", "one-more", 1, T0));
        Assert.True(book.Record("gw", "n0", 2, T0));
        Assert.Equal(HopBook.MaxLinks, book.Estimates(T0).Count);
    }

    [Fact]
    public void Estimates_LinkWithoutFramesForMaxAge_Dropped()
    {
        var book = new HopBook();
        book.Record("gw", "a", 2, T0);
        book.Record("gw", "b", 2, T0);
        book.Record("gw", "b", 3, T0 + HopBook.MaxAge - TimeSpan.FromSeconds(1));

        var later = book.Estimates(T0 + HopBook.MaxAge);

        Assert.Equal(["b"], later.Select(h => h.To));
        Assert.Equal(2.5, later[0].OneWayMs); // a link still in use keeps its older hops in the window
    }
}
