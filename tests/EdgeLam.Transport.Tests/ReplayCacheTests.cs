using System.Diagnostics;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Transport.Tests;

public sealed class ReplayCacheTests
{
    [Fact]
    public void DropIdle_EntryUntouchedLongerThanTheHorizon_DroppedRecentOneKept()
    {
        var cache = new ReplayCache(capacity: 16);
        var ended = Guid.NewGuid();
        var running = Guid.NewGuid();
        var now = Stopwatch.GetTimestamp();
        cache.GetOrAdd(ended).Touched = now - (30 * Stopwatch.Frequency);
        cache.GetOrAdd(running);

        var dropped = cache.DropIdle(TimeSpan.FromSeconds(10), now);

        Assert.Equal(1, dropped);
        Assert.Equal(1, cache.Count);
        Assert.False(cache.TryGet(ended, out _));
        Assert.True(cache.TryGet(running, out _));
    }

    [Fact]
    public void DropIdle_EveryEntryWithinTheHorizon_NothingDropped()
    {
        var cache = new ReplayCache(capacity: 16);
        cache.GetOrAdd(Guid.NewGuid());
        cache.GetOrAdd(Guid.NewGuid());

        Assert.Equal(0, cache.DropIdle(TimeSpan.FromSeconds(10), Stopwatch.GetTimestamp()));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void GetOrAdd_OverCapacity_LeastRecentlyUsedGoesFirst()
    {
        var cache = new ReplayCache(capacity: 2);
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        cache.GetOrAdd(a);
        cache.GetOrAdd(b);
        cache.TryGet(a, out _);

        cache.GetOrAdd(Guid.NewGuid());

        Assert.True(cache.TryGet(a, out _));
        Assert.False(cache.TryGet(b, out _));
    }
}
