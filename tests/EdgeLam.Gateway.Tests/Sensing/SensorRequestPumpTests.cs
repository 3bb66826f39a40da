using EdgeLam.Gateway.Sensing;
using EdgeLam.Inference;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Tokenization;
using EdgeLam.Sensors.Windows;
using EdgeLam.Transport.Roles;

namespace EdgeLam.Gateway.Tests.Sensing;

/// <summary>The pump's loop with a generator the test controls: bounded in-flight requests, drops, failures, grouping.</summary>
public sealed class SensorRequestPumpTests
{
    private static readonly SensorChannel[] Channels = [new("t", "C", -40, 85)];

    private static SensorWindow Window(string stream, long sequence)
    {
        var window = new SensorWindow(stream, Channels, 8) { Sequence = sequence, StartNs = sequence * 1_000, EndNs = (sequence * 1_000) + 700 };
        for (var i = 0; i < window.Length; i++)
        {
            window.Values[i] = 20 + i + sequence;
        }

        return window;
    }

    private static SensorRequestBuilder Builder(params string[] streams) =>
        new(new SensorTokenizer(new TokenizerOptions { Chronos = new ChronosTokenizerOptions { Bins = 100 } }), streams, streams.ToDictionary(s => s, _ => "chronos"));

    private static GatewayGeneration Generation(GatewayRequest request) => new(Guid.NewGuid(), 1, [request.Positions], [], request.Window);

    [Fact]
    public async Task RunAsync_GatewayBusy_LaterWindowsDroppedAndCountedNotQueued()
    {
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        using var builder = Builder("a");
        var pump = new SensorRequestPump(new SensorRequestOptions { Grouping = SensorRequestOptions.PerWindow, MaxInFlight = 1 });
        var windows = SensingFixture.Feed([.. Enumerable.Range(0, 5).Select(i => Window("a", i))]);

        var run = pump.RunAsync(
            async (request, ct) =>
            {
                Interlocked.Increment(ref calls);
                await release.Task.WaitAsync(ct);
                return Generation(request);
            },
            windows,
            builder,
            CancellationToken.None);
        SpinWait.SpinUntil(() => pump.Windows == 5, TimeSpan.FromSeconds(15));
        var droppedWhileBusy = pump.Dropped;
        release.SetResult(true);
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, droppedWhileBusy);
        Assert.Equal(1, calls);
        Assert.Equal(1, pump.Succeeded);
        Assert.Equal(0, pump.Failed);
    }

    [Fact]
    public async Task RunAsync_OneRequestFails_PumpGoesOnAndCountsIt()
    {
        using var builder = Builder("a");
        var pump = new SensorRequestPump(new SensorRequestOptions { Grouping = SensorRequestOptions.PerWindow, MaxInFlight = 4 });
        var seen = new List<long>();
        pump.Completed = (r, _) =>
        {
            lock (seen)
            {
                seen.Add(r.Request.Window!.Streams[0].Sequence);
            }
        };

        await pump.RunAsync(
            (request, _) => request.Window!.Streams[0].Sequence == 1 ? throw new InferenceException("peer gone") : Task.FromResult(Generation(request)),
            SensingFixture.Feed([Window("a", 0), Window("a", 1), Window("a", 2)]),
            builder,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, pump.Failed);
        Assert.Equal(2, pump.Succeeded);
        Assert.Equal([0L, 2L], seen.Order());
    }

    [Fact]
    public async Task RunAsync_AllStreams_OneRequestPerFreshWindowOfEveryStreamWithTheLatestWindows()
    {
        using var builder = Builder("a", "b");
        var pump = new SensorRequestPump(new SensorRequestOptions { MaxInFlight = 1 });
        var requests = new List<RequestWindow>();
        pump.Completed = (r, _) => requests.Add(r.Request.Window!);

        // a0 a1 b0 → group (a1, b0); a2 → held; b1 → group (a2, b1); c0 is not a selected stream.
        await pump.RunAsync(
            (request, _) => Task.FromResult(Generation(request)),
            SensingFixture.Feed([Window("a", 0), Window("a", 1), Window("c", 0), Window("b", 0)]),
            builder,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await pump.RunAsync(
            (request, _) => Task.FromResult(Generation(request)),
            SensingFixture.Feed([Window("a", 2), Window("b", 1)]),
            builder,
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, requests.Count);
        Assert.Equal([("a", 1L), ("b", 0L)], requests[0].Streams.Select(s => (s.Name, s.Sequence)));
        Assert.Equal([("a", 2L), ("b", 1L)], requests[1].Streams.Select(s => (s.Name, s.Sequence)));
        Assert.Equal(1, pump.Superseded);
        Assert.Equal(1, pump.Ignored);
    }

    [Fact]
    public void Options_OutOfRange_EachProblemNamesItsKey()
    {
        var options = new SensorRequestOptions { MaxNewTokens = 0, MaxInFlight = 65, Grouping = "sometimes", PromptIds = [-1], Streams = ["nope"] };

        var problems = options.Validate(["env", "motion"]);

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p is { Key: "Sensing:MaxNewTokens", Value: "0" });
        Assert.Contains(problems, p => p is { Key: "Sensing:MaxInFlight", Value: "65" });
        Assert.Contains(problems, p => p is { Key: "Sensing:Grouping", Value: "sometimes" });
        Assert.Contains(problems, p => p.Key == "Sensing:PromptIds");
        Assert.Contains(problems, p => p is { Key: "Sensing:Streams", Value: "nope" });
        Assert.Throws<ArgumentException>(() => new SensorRequestPump(options));
    }
}
