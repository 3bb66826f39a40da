using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Next_Attempts_StayWithinEqualJitterBoundsAndCap()
    {
        var min = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(2);
        var backoff = new ReconnectBackoff(min, max, new Random(1));
        for (var n = 0; n < 12; n++)
        {
            // Ceiling c(n) = min(max, 100 ms · 2^n); the delay lies in [c/2, c].
            var ceiling = Math.Min(2000, 100 * Math.Pow(2, n));
            var delay = backoff.Next().TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void Next_ManyNodes_DelaysAreSpreadNotIdentical()
    {
        var delays = Enumerable.Range(0, 20)
            .Select(seed => new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(seed)).Next())
            .Distinct()
            .Count();
        Assert.True(delays > 10, $"only {delays} distinct first delays");
    }

    [Fact]
    public void Reset_AfterFailures_StartsAgainFromMinimum()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(3));
        for (var i = 0; i < 6; i++)
        {
            backoff.Next();
        }

        backoff.Reset();
        Assert.Equal(0, backoff.Attempt);
        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
    }

    [Fact]
    public void Next_HugeAttemptCount_DoesNotOverflow()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), new Random(4));
        for (var i = 0; i < 10; i++)
        {
            backoff.Next(); // 1 s · 2^9 = 512 s is past the 5 min cap
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(backoff.Next(), TimeSpan.FromMinutes(2.5), TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        }
    }
}
