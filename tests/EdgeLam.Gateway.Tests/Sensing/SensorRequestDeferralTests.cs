using System.Collections.Concurrent;
using EdgeLam.Gateway.Sensing;
using EdgeLam.Inference;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Tests.Sensing;

/// <summary>The pump's deferral hook (the offline gateway): what it defers, what it sends, the request ids.</summary>
public sealed class SensorRequestDeferralTests
{
    private static readonly SensorChannel[] Channels = [new("t", "C", -40, 85)];

    private static SensorWindow Window(long sequence)
    {
        var window = new SensorWindow("a", Channels, 8) { Sequence = sequence, StartNs = sequence * 1_000, EndNs = (sequence * 1_000) + 700 };
        for (var i = 0; i < window.Length; i++)
        {
            window.Values[i] = 20 + i + sequence;
        }

        return window;
    }

    private static SensorRequestBuilder Builder() =>
        new(new SensorTokenizer(new TokenizerOptions { Chronos = new ChronosTokenizerOptions { Bins = 100 } }), ["a"], new Dictionary<string, string> { ["a"] = "chronos" });

    private static SensorRequestPump Pump() => new(new SensorRequestOptions { Grouping = SensorRequestOptions.PerWindow, MaxInFlight = 4 });

    [Fact]
    public async Task RunAsync_WhileDeferring_EveryWindowDeferredWithAnIdNothingSentNothingDropped()
    {
        using var builder = Builder();
        var pump = Pump();
        var deferral = new RecordingDeferral { Offline = true };
        pump.Deferral = deferral;
        var sent = 0;

        await pump.RunAsync((r, _) => { Interlocked.Increment(ref sent); return Task.FromResult(new GatewayGeneration(Guid.NewGuid(), 1, [1], [], r.Window)); }, SensingFixture.Feed([.. Enumerable.Range(0, 6).Select(i => Window(i))]), builder, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, sent);
        Assert.Equal(6, pump.Deferred);
        Assert.Equal(0, pump.Dropped);
        Assert.Equal(6, deferral.Requests.Count);
        Assert.All(deferral.Requests, r => Assert.Matches("^s[0-9a-f]{32}$", r.Id));
        Assert.Equal(6, deferral.Requests.Select(r => r.Id).Distinct().Count());
        Assert.Equal([0L, 1, 2, 3, 4, 5], deferral.Requests.Select(r => r.Window!.Streams[0].Sequence));
    }

    [Fact]
    public async Task RunAsync_RequestFailsAfterTheBrokerWentAway_DeferredWithItsIdNotFailed()
    {
        using var builder = Builder();
        var pump = Pump();
        var deferral = new RecordingDeferral();
        pump.Deferral = deferral;
        var ids = new ConcurrentBag<string>();

        await pump.RunAsync(
            (r, _) =>
            {
                ids.Add(r.Id!);
                deferral.Offline = true; // the broker goes away during the request
                throw new InferenceException("no stage answered");
            },
            SensingFixture.Feed([Window(0)]),
            builder,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, pump.Failed);
        Assert.Equal(1, pump.Deferred);
        Assert.Equal(Assert.Single(ids), Assert.Single(deferral.Requests).Id);
    }

    [Fact]
    public async Task RunAsync_RequestFailsWhileOnline_CountedAsFailedNotDeferred()
    {
        using var builder = Builder();
        var pump = Pump();
        var deferral = new RecordingDeferral();
        pump.Deferral = deferral;

        await pump.RunAsync((_, _) => throw new InferenceException("model error"), SensingFixture.Feed([Window(0)]), builder, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, pump.Failed);
        Assert.Empty(deferral.Requests);
    }

    [Fact]
    public void NewRequestId_TwoInARow_TimeOrderedAndDistinct()
    {
        var now = new DateTimeOffset(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);
        using var builder = new SensorRequestBuilder(new SensorTokenizer(new TokenizerOptions()), ["a"], new Dictionary<string, string> { ["a"] = "chronos" }, time: new EdgeLam.Testing.FixedTime(now));

        var first = builder.NewRequestId();
        var second = builder.NewRequestId();

        Assert.NotEqual(first, second);
        Assert.Equal(now.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), first[1..13]); // 48-bit ms time stamp first
        Assert.Equal(first[..13], second[..13]);
        Assert.Equal('7', first[13]); // UUID version 7
    }

    private sealed class RecordingDeferral : ISensorRequestDeferral
    {
        public volatile bool Offline;

        public ConcurrentQueue<GatewayRequest> Requests { get; } = new();

        public bool ShouldDefer => Offline;

        public bool Defer(GatewayRequest request)
        {
            Requests.Enqueue(request);
            return true;
        }
    }
}
