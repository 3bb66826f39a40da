using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests;

/// <summary><c>edgelam run</c> as a gateway whose board has an <c>mqtt</c> device fed by <c>mosquitto_pub</c>.</summary>
public sealed partial class DaemonNodeTests
{
    [Fact]
    public async Task Run_GatewayWithMqttStream_ReadingsFromMosquittoPubReachResultsGarbageCountedDaemonLives()
    {
        using var broker = new MosquittoBroker();
        const int newTokens = 2;
        var metricsPort = MosquittoBroker.FreeTcpPort();
        Config(
            broker.Port,
            new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["StepTimeout"] = "10s" },
            _model.TwoWay,
            sections: new JsonObject
            {
                // The sim board plus a device other hosts publish for ("yard": one channel in degC), windows of 8.
                ["Sensors"] = new JsonObject
                {
                    ["Tokenizer"] = new JsonObject { ["Chronos"] = new JsonObject { ["Bins"] = 400 } },
                    ["Devices"] = new JsonObject { ["yard"] = new JsonObject { ["Driver"] = "mqtt", ["Channels"] = new JsonArray("temp"), ["Units"] = new JsonArray("degC") } },
                    ["Streams"] = new JsonObject { ["yard"] = new JsonObject { ["Device"] = "yard", ["WindowLength"] = 8, ["Hop"] = 8, ["Tokenizer"] = "chronos" } },
                },
                ["Sensing"] = new JsonObject { ["Streams"] = new JsonArray("env", "yard"), ["MaxNewTokens"] = newTokens, ["PromptIds"] = new JsonArray(11) },
                ["Metrics"] = new JsonObject { ["Enabled"] = true, ["Port"] = metricsPort, ["StatusInterval"] = "1s" },
            });
        var topics = new TopicScheme(_site);
        var readings = topics.Prefix + "readings/yard";
        await using var results = await StatusWatcher.StartAsync(broker.Port, topics.Results("daemon-node"));
        var peerRole = new NodeRoleOptions
        {
            Site = _site,
            Node = "test-peer",
            ModelDirectory = _model.TwoWay,
            FirstSegment = 1,
            LastSegment = 1,
            ContextLimit = MultiNodeFixture.ContextLimit,
        };
        await using var peer = await RoleHost.StartAsync(peerRole, new MqttClientOptions { Host = "127.0.0.1", Port = broker.Port }, _model.Runtime);
        var before = DateTimeOffset.UtcNow;
        using var daemon = Start();
        _systemd.WaitFor(StartsWith("READY=1"), Patience, "READY=1");

        // Another device publishes (QoS 0, so readings sent before the gateway subscribed are gone: keep publishing
        // until a result carries the stream): 4 JSON readings on readings/yard, 4 bare numbers on readings/yard/temp.
        using var publishing = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            while (!publishing.IsCancellationRequested)
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                var json = Enumerable.Range(0, 4).Select(i => string.Create(CultureInfo.InvariantCulture, $$"""{"ts":{{now + (i * 0.01):F3}},"channel":"temp","value":{{20 + (i * 0.25)}},"unit":"degC"}"""));
                Publish(broker.Port, readings, lines: json);
                Publish(broker.Port, readings + "/temp", lines: ["21", "21.5", "22", "22.5"]);
                await Task.Delay(300, CancellationToken.None);
            }
        });

        JsonObject final;
        try
        {
            final = results.WaitFor(r => r["final"]?.GetValue<bool>() == true && r["window"]?["streams"] is JsonArray { Count: 2 }, Patience, "a final result with the env and yard windows", daemon);
        }
        finally
        {
            await publishing.CancelAsync();
            await publisher;
        }

        var window = final["window"]!;
        Assert.Equal(["env", "yard"], window["streams"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.All(window["streams"]!.AsArray(), s => Assert.Equal("chronos", s!["tokenizer"]!.GetValue<string>()));
        Assert.Equal(newTokens, final["tokens"]!.AsArray().Count);
        var start = DateTimeOffset.Parse(window["startUtc"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(window["endUtc"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.True(start >= before.AddSeconds(-1) && start <= end && end <= DateTimeOffset.UtcNow.AddSeconds(1), $"window {start:O} .. {end:O} is not from this run (started {before:O})");

        // Garbage: not JSON, a unit other than the channel's, a word on the number topic, a device nobody reads.
        Publish(broker.Port, readings, message: "not json");
        Publish(broker.Port, readings, message: """{"ts":1732270000,"channel":"temp","value":70,"unit":"degF"}""");
        Publish(broker.Port, readings + "/temp", message: "warm");
        Publish(broker.Port, topics.Prefix + "readings/nobody", message: "1");

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + Patience;
        string[] metrics;
        do
        {
            await Task.Delay(500);
            metrics = (await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"))).Split('\n');
        }
        while (!metrics.Contains("edgelam_sensor_readings_total{outcome=\"rejected\"} 4") && DateTime.UtcNow < deadline);

        Assert.Contains("edgelam_sensor_readings_total{outcome=\"rejected\"} 4", metrics);
        var accepted = metrics.Single(l => l.StartsWith("edgelam_sensor_readings_total{outcome=\"accepted\"} ", StringComparison.Ordinal));
        Assert.True(long.Parse(accepted.Split(' ')[1], CultureInfo.InvariantCulture) >= 8, accepted);
        Assert.Contains("MQTT reading on " + readings + " rejected: malformed JSON", daemon.Stderr, StringComparison.Ordinal);
        Assert.Null(daemon.ExitCodeIfExited);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.DoesNotContain("Sensing cannot run", daemon.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, peer.Peer!.Rejected);
    }

    /// <summary>Runs <c>mosquitto_pub</c>: one message, or one per line (<c>-l</c>).</summary>
    private static void Publish(int port, string topic, string? message = null, IEnumerable<string>? lines = null)
    {
        var psi = new ProcessStartInfo("mosquitto_pub") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", topic })
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add(message is null ? "-l" : "-m");
        if (message is not null)
        {
            psi.ArgumentList.Add(message);
        }

        using var process = Process.Start(psi)!;
        foreach (var line in lines ?? [])
        {
            process.StandardInput.WriteLine(line);
        }

        process.StandardInput.Close();
        Assert.True(process.WaitForExit(10_000), "mosquitto_pub did not finish");
        Assert.True(process.ExitCode == 0, "mosquitto_pub: " + process.StandardError.ReadToEnd());
    }
}
