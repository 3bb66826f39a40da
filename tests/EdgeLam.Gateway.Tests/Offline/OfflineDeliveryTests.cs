using System.Collections.Concurrent;
using EdgeLam.Gateway.Offline;
using EdgeLam.Testing;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Tests.Offline;

public sealed class OfflineDeliveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private volatile bool _online;

    public void Dispose() => _dir.Dispose();

    private OfflineQueue Open(int maxAttempts = 2) =>
        OfflineQueue.Open(_dir.Combine("q"), new OfflineOptions { Enabled = true, MaxAttempts = maxAttempts });

    private static GatewayRequest Request(int i) => new GatewayRequest { Id = "s" + i }.AddTokens([11, i]);

    [Fact]
    public async Task RunAsync_QueuedWhileOfflineThenOnline_EachSentOnceOldestFirstAndRemoved()
    {
        using var queue = Open();
        var delivery = new OfflineDelivery(queue, () => _online, 2);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(delivery.ShouldDefer);
            Assert.True(delivery.Defer(Request(i)));
        }

        var sent = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var run = delivery.RunAsync(r => { sent.Enqueue(r.Id!); return Task.CompletedTask; }, stop.Token);
        await Task.Delay(500);
        Assert.Empty(sent); // nothing goes while offline

        _online = true;
        Assert.True(ResultCollector.Eventually(() => queue.Count == 0, TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["s0", "s1", "s2"], sent);
        Assert.Equal((3, 3), (delivery.Queued, delivery.Delivered));
        Assert.False(delivery.ShouldDefer);
    }

    [Fact]
    public async Task RunAsync_SendFailsWhileOnline_AttemptCountedThenDroppedAtMaxAttempts()
    {
        using var queue = Open(maxAttempts: 2);
        var delivery = new OfflineDelivery(queue, () => _online, 2);
        delivery.Defer(Request(0));
        _online = true;
        var tries = 0;
        using var stop = new CancellationTokenSource();

        var run = delivery.RunAsync(_ => { Interlocked.Increment(ref tries); throw new InvalidOperationException("no stage answered"); }, stop.Token);
        Assert.True(ResultCollector.Eventually(() => queue.Count == 0, TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, tries);
        Assert.Equal(1, queue.Drops["attempts"]);
        Assert.Equal(0, delivery.Delivered);
    }

    [Fact]
    public async Task RunAsync_SendFailsBecauseTheBrokerWentAway_StaysQueuedWithoutAnAttempt()
    {
        using var queue = Open(maxAttempts: 1);
        var delivery = new OfflineDelivery(queue, () => _online, 1);
        delivery.Defer(Request(0));
        _online = true;
        using var stop = new CancellationTokenSource();

        var run = delivery.RunAsync(_ => { _online = false; throw new InvalidOperationException("disconnected"); }, stop.Token);
        Assert.True(ResultCollector.Eventually(() => !_online, TimeSpan.FromSeconds(10)));
        await Task.Delay(300);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, Assert.Single([queue.Peek()!]).Attempts);
        Assert.Empty(queue.Drops);
    }
}
