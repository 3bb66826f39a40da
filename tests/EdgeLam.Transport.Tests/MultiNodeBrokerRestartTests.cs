using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLam.Inference.Pipeline;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;
using Xunit.Abstractions;

namespace EdgeLam.Transport.Tests;

/// <summary>The broker goes away three times during a run; every request still completes with one result per step.</summary>
[Collection(nameof(MultiNodeCollection))]
public sealed class MultiNodeBrokerRestartTests(MultiNodeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const int Requests = 200;
    private const int Concurrency = 2;
    private const int Restarts = 3;
    private readonly MosquittoBroker _broker = new();

    [Fact]
    public async Task GatewayAndPeer_BrokerRestartedThreeTimesDuring200Requests_EveryStepExactlyOneResultNoneLost()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var cluster = new MultiNodeCluster(
            fixture,
            _broker,
            fixture.TwoWay,
            WireCodec.Raw,
            o =>
            {
                o.StepTimeout = TimeSpan.FromSeconds(1.5);
                o.MaxAttempts = 40;
            },
            m =>
            {
                m.ReconnectDelayMin = TimeSpan.FromMilliseconds(50);
                m.ReconnectDelayMax = TimeSpan.FromMilliseconds(300);
            },
            output);

        // An independent subscriber on results/+ (persistent session, QoS 1) counts every result it gets.
        var results = new ConcurrentDictionary<(ulong Request, uint Step), long>();
        long received = 0;
        long duplicates = 0;
        await using var monitor = cluster.Client("results");
        await monitor.ConnectAsync(cts.Token);
        await monitor.SubscribeAsync(new TopicScheme(cluster.Site).AllResults, MqttQualityOfService.AtLeastOnce, cts.Token);
        using var monitorStop = new CancellationTokenSource();
        var monitorRun = Task.Run(() => monitor.RunMessageHandlerAsync((m, _) =>
        {
            var result = JsonSerializer.Deserialize(m.Payload.Span, RoleJsonContext.Default.InferenceResult)!;
            Interlocked.Increment(ref received);
            if (!results.TryAdd((result.Request, result.Step), result.Tokens[^1]))
            {
                Interlocked.Increment(ref duplicates);
            }

            return ValueTask.CompletedTask;
        }, monitorStop.Token));

        var peer = await cluster.AddPeerAsync("peer-1", 1, 1, cts.Token);
        var gateway = await cluster.StartGatewayAsync("gw", 0, cts.Token);
        var prompts = Enumerable.Range(0, Requests).Select(i => fixture.Prompt(3 + (i % 6), 1000 + i)).ToArray();
        var generations = new GatewayGeneration?[Requests];
        var next = -1;
        var completed = 0;
        var restarted = 0;

        var restarts = Task.Run(async () =>
        {
            for (var r = 1; r <= Restarts; r++)
            {
                while (Volatile.Read(ref completed) < r * Requests / (Restarts + 1))
                {
                    await Task.Delay(5, cts.Token);
                }

                _broker.Restart();
                Interlocked.Increment(ref restarted);
            }
        }, cts.Token);
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Requests; i = Interlocked.Increment(ref next))
            {
                generations[i] = await gateway.GenerateAsync(prompts[i], 2 + (i % 2), cancellationToken: cts.Token);
                Interlocked.Increment(ref completed);
            }
        }, cts.Token)).ToArray();
        try
        {
            await Task.WhenAll(workers);
            await restarts;
        }
        finally
        {
            output.WriteLine($"gateway client: {cluster.GatewayClient!.GetStatistics()}");
            output.WriteLine($"peer client: {peer.Client.GetStatistics()}");
            output.WriteLine($"results client: {monitor.GetStatistics()}");
            if (Volatile.Read(ref completed) < Requests)
            {
                output.WriteLine(_broker.Log);
            }
        }

        var expected = generations.SelectMany(g => g!.Steps.Select(s => ((g.Request, s.Step), s.Token))).ToDictionary(e => e.Item1, e => e.Token);
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(60));
            while (!expected.Keys.All(results.ContainsKey) && !wait.IsCancellationRequested)
            {
                await Task.Delay(20, CancellationToken.None);
            }
        }

        await monitorStop.CancelAsync();
        await monitorRun;
        var lost = expected.Keys.Count(k => !results.ContainsKey(k));
        output.WriteLine(
            $"broker restarts {restarted}; requests {Requests} completed {completed}; steps {expected.Count}; results received {received}, " +
            $"distinct {results.Count}, duplicates {duplicates}, lost {lost}; gateway resent {gateway.Resent}, rehomed {gateway.Rehomed}, " +
            $"late/duplicate replies {gateway.Rejected}; peer served {peer.Role.Served}, replayed {peer.Role.Replayed}, rejected {peer.Role.Rejected}");

        Assert.Equal(Restarts, restarted);
        Assert.Equal(Requests, completed);
        Assert.Equal(0, lost);
        Assert.Equal(expected.Count, results.Count);
        Assert.Equal(received, results.Count + duplicates);
        Assert.All(expected, e => Assert.Equal(e.Value, results[e.Key]));

        // Every request's tokens are the in-process pipeline's.
        using var pipeline = InferencePipeline.Open(fixture.Runtime, fixture.TwoWay, new PipelineOptions { ContextLimit = MultiNodeFixture.ContextLimit, Wire = WireCodec.Raw });
        for (var i = 0; i < Requests; i++)
        {
            var reference = pipeline.Generate(Guid.NewGuid(), prompts[i], new GenerationOptions { MaxNewTokens = 2 + (i % 2) }).Tokens;
            Assert.Equal(reference, generations[i]!.Tokens);
        }
    }

    public void Dispose() => _broker.Dispose();
}
