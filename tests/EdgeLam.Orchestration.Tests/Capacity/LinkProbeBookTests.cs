using EdgeLam.Orchestration.Capacity;

namespace EdgeLam.Orchestration.Tests.Capacity;

public class LinkProbeBookTests
{
    private static readonly LinkProbeSettings Settings = new() { Interval = TimeSpan.FromSeconds(10), LargeBytes = 10_000, Window = 4, FastRounds = 0 };

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void Due_NewPeer_OneSmallAndOneLargeProbeAtOnce()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["b", "a"], Ms(0));

        var due = book.Due(Ms(0));

        Assert.Equal(["a", "a", "b", "b"], due.Select(p => p.Peer));
        Assert.Equal([0, 10_000, 0, 10_000], due.Select(p => p.PaddingBytes));
        Assert.Equal(4, due.Select(p => p.Sequence).Distinct().Count());
    }

    [Fact]
    public void Due_WithinTheInterval_NothingMore()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["a"], Ms(0));
        book.Due(Ms(0));

        Assert.Empty(book.Due(Ms(9_999)));
        Assert.Equal(2, book.Due(Ms(10_000)).Count);
    }

    [Fact]
    public void Due_NewPeer_FirstRoundsEveryFastIntervalThenEveryInterval()
    {
        var book = new LinkProbeBook(Settings with { FastRounds = 3, FastInterval = TimeSpan.FromSeconds(1) });
        book.SetPeers(["a"], Ms(0));

        var rounds = new[] { 0, 999, 1_000, 2_000, 2_999, 11_999, 12_000 }.Select(ms => book.Due(Ms(ms)).Count).ToList();

        // Rounds 1-3 at 0, 1 and 2 s; the fourth one interval (10 s) after the third.
        Assert.Equal([2, 0, 2, 2, 0, 0, 2], rounds);
    }

    [Fact]
    public void Due_ProbingOff_Nothing()
    {
        var book = new LinkProbeBook(Settings with { Interval = TimeSpan.Zero });
        book.SetPeers(["a"], Ms(0));

        Assert.Empty(book.Due(Ms(0)));
    }

    [Fact]
    public void Answer_SmallAndLargeEchoes_RoundTripAndThroughput()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["a"], Ms(0));
        var due = book.Due(Ms(1000));

        Assert.True(book.Answer("a", due[0].Sequence, Ms(1002)));   // small: 2 ms
        Assert.True(book.Answer("a", due[1].Sequence, Ms(1012)));   // large: 12 ms → 10 000 B in 10 ms more

        var link = Assert.Single(book.Estimates());
        Assert.Equal("a", link.Peer);
        Assert.Equal(2.0, link.RoundTripMs);
        Assert.Equal(1_000_000, link.BytesPerSecond!.Value, 6);
        Assert.Equal(2, link.Answered);
        Assert.Equal(0, book.Pending);
    }

    [Fact]
    public void Answer_LargeNoSlowerThanSmall_ThroughputAtTheResolutionCeiling()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["a"], Ms(0));
        var due = book.Due(Ms(0));

        book.Answer("a", due[1].Sequence, Ms(1));
        book.Answer("a", due[0].Sequence, Ms(1));

        // 10 000 bytes over the 0.1 ms resolution: 10⁸ B/s, "at least".
        Assert.Equal(1e8, book.Estimates()[0].BytesPerSecond!.Value, 3);
    }

    [Fact]
    public void Answer_UnknownDuplicateOrWrongPeer_Refused()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["a", "b"], Ms(0));
        var due = book.Due(Ms(0));

        Assert.False(book.Answer("b", due[0].Sequence, Ms(1)));  // a's probe echoed by b
        Assert.False(book.Answer("a", 999, Ms(1)));
        Assert.True(book.Answer("a", due[0].Sequence, Ms(1)));
        Assert.False(book.Answer("a", due[0].Sequence, Ms(2)));  // duplicate
        Assert.Equal(1, book.Estimates()[0].Answered);
    }

    [Fact]
    public void Due_UnansweredForAnInterval_CountedLostAndNoLongerPending()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["a"], Ms(0));
        var first = book.Due(Ms(0));

        var second = book.Due(Ms(10_000));

        Assert.Equal(2, book.Estimates()[0].Lost);
        Assert.Equal(2, book.Pending);
        Assert.False(book.Answer("a", first[0].Sequence, Ms(10_001)));
        Assert.True(book.Answer("a", second[0].Sequence, Ms(10_003)));
        Assert.Equal(3.0, book.Estimates()[0].RoundTripMs);
    }

    [Fact]
    public void SetPeers_PeerGone_ForgottenWithItsProbes()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["a", "b"], Ms(0));
        var due = book.Due(Ms(0));

        book.SetPeers(["a"], Ms(1));

        Assert.Equal(["a"], book.Estimates().Select(e => e.Peer));
        Assert.Equal(2, book.Pending);
        Assert.False(book.Answer("b", due[2].Sequence, Ms(2)));
    }

    [Fact]
    public void SetPeers_ManyPeers_BoundedRate()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(Enumerable.Range(0, 100).Select(i => "n" + i), Ms(0));

        Assert.Equal(2 * LinkProbeSettings.MaxPeers, book.Due(Ms(0)).Count);
    }

    [Fact]
    public void Estimates_BeforeAnyEcho_NoFigures()
    {
        var book = new LinkProbeBook(Settings);
        book.SetPeers(["a"], Ms(0));
        book.Due(Ms(0));

        var link = Assert.Single(book.Estimates());
        Assert.Null(link.RoundTripMs);
        Assert.Null(link.BytesPerSecond);
    }
}
