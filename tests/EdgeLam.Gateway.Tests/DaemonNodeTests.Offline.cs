using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeLam.Gateway.Tests.Offline;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests;

/// <summary>
/// The offline gateway (docs/offline.md) under <c>edgelam run</c> on the sim board with a real mosquitto that the test
/// stops and starts: windows sampled while the broker is away are queued on disk and each yields one final result
/// (by request id) to an independent subscriber once it returns. Outages are short (about 8 s); bench/offline.sh runs
/// the 60 s version.
/// </summary>
public sealed partial class DaemonNodeTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Run_OfflineGatewayBrokerStopped_EveryQueuedWindowOneResultAfterItReturns()
    {
        using var broker = new MosquittoBroker();
        var metricsPort = MosquittoBroker.FreeTcpPort();
        OfflineConfig(broker.Port, metricsPort);
        await using var results = await ResultCollector.StartAsync(broker.Port, new TopicScheme(_site).Results("daemon-node"));
        await using var peer = await StartPeerAsync(broker.Port);
        using var daemon = Start();
        _systemd.WaitFor(StartsWith("READY=1"), Patience, "READY=1");
        Assert.True(ResultCollector.Eventually(() => results.Finals.Count > 0, Patience), "no result before the outage:\n" + daemon.Stderr);

        broker.Stop();
        Assert.True(ResultCollector.Eventually(() => QueuedIds(daemon).Count >= 4, Patience), "nothing queued while the broker was away:\n" + daemon.Stderr);
        Thread.Sleep(Outage);
        broker.Start();

        Assert.True(ResultCollector.Eventually(() => daemon.Stderr.Contains("Offline: queue drained", StringComparison.Ordinal), Patience), "the queue did not drain:\n" + daemon.Stderr);
        var queued = QueuedIds(daemon);
        Assert.True(results.WaitForAll(queued, Patience), "queued requests without a result: " + string.Join(", ", queued.Where(id => !results.Finals.ContainsKey(id))));
        AssertOneResultEach(results, queued);

        var metrics = await ScrapeAsync(metricsPort, m => Metric(m, "edgelam_offline_requests_total{outcome=\"delivered\"}") == queued.Count);
        Assert.Equal(queued.Count, Metric(metrics, "edgelam_offline_requests_total{outcome=\"queued\"}"));
        Assert.Equal(queued.Count, Metric(metrics, "edgelam_offline_requests_total{outcome=\"delivered\"}"));
        Assert.Equal(0, Metric(metrics, "edgelam_offline_backlog"));
        Assert.Empty(Directory.GetFiles(_dir.Combine("offline"), "*.seg").Skip(1)); // at most the segment appended to

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }

    [Fact]
    public async Task Run_OfflineGatewayRestartedMidOutage_NothingQueuedIsLostAndItSamplesWithoutTheBroker()
    {
        using var broker = new MosquittoBroker();
        OfflineConfig(broker.Port, MosquittoBroker.FreeTcpPort());
        await using var results = await ResultCollector.StartAsync(broker.Port, new TopicScheme(_site).Results("daemon-node"));
        await using var peer = await StartPeerAsync(broker.Port);
        List<string> first;
        using (var daemon = Start())
        {
            _systemd.WaitFor(StartsWith("READY=1"), Patience, "READY=1");
            Assert.True(ResultCollector.Eventually(() => results.Finals.Count > 0, Patience), "no result before the outage:\n" + daemon.Stderr);
            broker.Stop();
            Assert.True(ResultCollector.Eventually(() => QueuedIds(daemon).Count >= 3, Patience), "nothing queued:\n" + daemon.Stderr);
            daemon.Signal("TERM");
            Assert.Equal(0, daemon.WaitForExit(Patience));
            first = QueuedIds(daemon);
        }

        // The second run starts while the broker is still away: it reopens the queue and keeps sampling into it.
        using var second = Start();
        Assert.True(ResultCollector.Eventually(() => QueuedIds(second).Count >= 3, Patience), "the restarted gateway queued nothing without the broker:\n" + second.Stderr);
        Assert.Matches($"Offline queue .*: {first.Count} window\\(s\\), \\d+ bytes recovered", second.Stderr);
        broker.Start();

        Assert.True(ResultCollector.Eventually(() => second.Stderr.Contains("Offline: queue drained", StringComparison.Ordinal), Patience), "the queue did not drain:\n" + second.Stderr);
        var queued = first.Concat(QueuedIds(second)).ToList();
        Assert.True(results.WaitForAll(queued, Patience), "queued requests without a result: " + string.Join(", ", queued.Where(id => !results.Finals.ContainsKey(id))) + "\n" + second.Stderr);
        AssertOneResultEach(results, queued);
        second.Signal("TERM");
        Assert.Equal(0, second.WaitForExit(Patience));
    }

    [Fact]
    public async Task Run_OfflineGatewayCapHit_OldestDroppedAndCountedNewestDelivered()
    {
        using var broker = new MosquittoBroker();
        var metricsPort = MosquittoBroker.FreeTcpPort();
        const int cap = 3;
        OfflineConfig(broker.Port, metricsPort, maxWindows: cap);
        await using var results = await ResultCollector.StartAsync(broker.Port, new TopicScheme(_site).Results("daemon-node"));
        await using var peer = await StartPeerAsync(broker.Port);
        using var daemon = Start();
        _systemd.WaitFor(StartsWith("READY=1"), Patience, "READY=1");
        Assert.True(ResultCollector.Eventually(() => results.Finals.Count > 0, Patience), "no result before the outage:\n" + daemon.Stderr);

        broker.Stop();
        Assert.True(ResultCollector.Eventually(() => QueuedIds(daemon).Count >= cap + 3, Patience), "too little queued:\n" + daemon.Stderr);
        broker.Start();

        Assert.True(ResultCollector.Eventually(() => daemon.Stderr.Contains("Offline: queue drained", StringComparison.Ordinal), Patience), "the queue did not drain:\n" + daemon.Stderr);
        var queued = QueuedIds(daemon);
        var kept = queued.TakeLast(cap).ToList();
        Assert.True(results.WaitForAll(kept, Patience), "kept requests without a result");
        AssertOneResultEach(results, kept);
        Assert.DoesNotContain(queued.SkipLast(cap), results.Finals.ContainsKey);

        var metrics = await ScrapeAsync(metricsPort, m => Metric(m, "edgelam_offline_requests_total{outcome=\"delivered\"}") == cap);
        Assert.Equal(queued.Count - cap, Metric(metrics, "edgelam_drops_total{reason=\"offline-cap-windows\"}"));
        Assert.Equal(queued.Count - cap, Metric(metrics, "edgelam_offline_requests_total{outcome=\"dropped\"}"));
        Assert.Contains("Offline queue: dropped window", daemon.Stderr, StringComparison.Ordinal);
        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }

    /// <summary>A gateway on the sim board's env stream (a window every 0.8 s), a request per window, the offline queue in the test's folder.</summary>
    private void OfflineConfig(int brokerPort, int metricsPort, int? maxWindows = null)
    {
        var offline = new JsonObject { ["Enabled"] = true, ["Directory"] = _dir.Combine("offline") };
        if (maxWindows is { } max)
        {
            offline["MaxWindows"] = max;
        }

        Config(
            brokerPort,
            new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["StepTimeout"] = "2s" },
            _model.TwoWay,
            sections: new JsonObject
            {
                ["Sensors"] = new JsonObject { ["Tokenizer"] = new JsonObject { ["Chronos"] = new JsonObject { ["Bins"] = 400 } } },
                ["Sensing"] = new JsonObject { ["Streams"] = new JsonArray("env"), ["Grouping"] = "per-window", ["MaxNewTokens"] = 2, ["PromptIds"] = new JsonArray(11) },
                ["Offline"] = offline,
                ["Metrics"] = new JsonObject { ["Enabled"] = true, ["Port"] = metricsPort, ["StatusInterval"] = "1s" },
                ["Shutdown"] = new JsonObject { ["DrainTimeout"] = "2s" },
                ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["EdgeLam.Gateway.Offline"] = "Debug" } },
            });
    }

    private Task<RoleHost> StartPeerAsync(int port) => RoleHost.StartAsync(
        new NodeRoleOptions { Site = _site, Node = "test-peer", ModelDirectory = _model.TwoWay, FirstSegment = 1, LastSegment = 1, ContextLimit = MultiNodeFixture.ContextLimit },
        new MqttClientOptions { Host = "127.0.0.1", Port = port, ReconnectDelayMax = TimeSpan.FromMilliseconds(300) },
        _model.Runtime);

    /// <summary>The ids of the requests the daemon queued, in order (its Debug log of the offline delivery).</summary>
    private static List<string> QueuedIds(DaemonProcess daemon) =>
        [.. Regex.Matches(daemon.Stderr, "queued sensor request (s[0-9a-f]{32})").Select(m => m.Groups[1].Value)];

    /// <summary>Each id has its final result, and every copy the subscriber got (a step resent after the outage) is the same result.</summary>
    private static void AssertOneResultEach(ResultCollector results, IReadOnlyCollection<string> ids)
    {
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var id in ids)
        {
            var copies = results.Finals[id].ToArray();
            Assert.True(copies.Distinct().Count() == 1, $"request {id} has {copies.Length} different final results: {string.Join(" ", copies)}");
        }
    }

    private static async Task<string[]> ScrapeAsync(int port, Func<string[], bool> until)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + Patience;
        string[] metrics;
        do
        {
            await Task.Delay(500);
            metrics = (await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"))).Split('\n');
        }
        while (!until(metrics) && DateTime.UtcNow < deadline);

        return metrics;
    }

    private static long Metric(string[] metrics, string name) =>
        metrics.FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) is { } line ? long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture) : -1;
}
