using EdgeLam.Transport.Envelope;

namespace EdgeLam.Transport.Tests.Envelope;

public sealed class StopTokensTests
{
    [Fact]
    public void StopTokens_Set_WritesCommaSeparatedText()
    {
        var stops = new StopTokens();

        stops.Set([2, 13, -1]);

        Assert.Equal("2,13,-1", stops.Text);
        Assert.True(stops.Contains(13));
        Assert.False(stops.Contains(3));
    }

    [Fact]
    public void StopTokens_Read_SkipsEntriesThatAreNotIntegers()
    {
        var stops = new StopTokens();

        stops.Read("7,,x,9.5, 11,42");

        Assert.Equal([7L, 11L, 42L], stops.Tokens);
        stops.Read(null);
        Assert.Empty(stops.Tokens);
        Assert.False(stops.Contains(7));
    }
}
