using EdgeLam.Gateway.Hosting;

namespace EdgeLam.Gateway.Tests;

public sealed class RecentRequestIdsTests
{
    [Fact]
    public void TryAdd_IdAgainWithinCapacity_RefusedUntilForgotten()
    {
        var recent = new RecentRequestIds(2);

        Assert.True(recent.TryAdd("a"));
        Assert.False(recent.TryAdd("a"));
        Assert.True(recent.TryAdd("b"));
        Assert.True(recent.TryAdd("c")); // "a" is forgotten: the oldest of three with room for two
        Assert.False(recent.TryAdd("b"));
        Assert.True(recent.TryAdd("a"));
    }
}
