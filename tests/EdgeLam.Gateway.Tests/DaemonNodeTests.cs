using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Transport.Tests;
using EdgeLam.Transport.Topics;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Gateway.Tests;

/// <summary>
/// <c>edgelam run</c> hosting a node (the JIT build as a child process of a parent named systemd, with a fake notify socket), against a real
/// mosquitto and the synthetic tiny model split in two.
/// </summary>
public sealed partial class DaemonNodeTests : IClassFixture<MultiNodeFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly MultiNodeFixture _model;
    private readonly TempDirectory _dir = new();
    private readonly FakeNotifySocket _systemd;
    private readonly string _site = "d" + Guid.NewGuid().ToString("N")[..8];

    public DaemonNodeTests(MultiNodeFixture model)
    {
        _model = model;
        Directory.CreateDirectory(ConfigDir);
        _systemd = new FakeNotifySocket(_dir.Combine("notify"));
    }

    private string ConfigDir => _dir.Combine("etc");

    public void Dispose()
    {
        _systemd.Dispose();
        _dir.Dispose();
    }

    /// <summary>A configuration for a node of this test's site; <paramref name="node"/> and <paramref name="model"/> are merged in.</summary>
    private string Config(int brokerPort, JsonObject? node = null, string? model = null, JsonObject? mqtt = null, JsonObject? sections = null)
    {
        var nodeSection = new JsonObject { ["Name"] = "daemon-node", ["Site"] = _site, ["ContextLimit"] = MultiNodeFixture.ContextLimit };
        foreach (var (k, v) in node ?? [])
        {
            nodeSection[k] = v?.DeepClone();
        }

        var mqttSection = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = brokerPort, ["ReconnectDelayMax"] = "500ms" };
        foreach (var (k, v) in mqtt ?? [])
        {
            mqttSection[k] = v?.DeepClone();
        }

        var config = new JsonObject
        {
            ["Node"] = nodeSection,
            ["Mqtt"] = mqttSection,
            ["Onnx"] = new JsonObject { ["LibraryPath"] = TestPaths.OnnxRuntimeLibrary, ["IntraOpThreads"] = 1 },
            ["Metrics"] = new JsonObject { ["StatusInterval"] = "1s" },
        };
        if (model is not null)
        {
            config["Model"] = new JsonObject { ["Path"] = model };
        }

        foreach (var (k, v) in sections ?? [])
        {
            config[k] = v?.DeepClone();
        }

        File.WriteAllText(Path.Combine(ConfigDir, "edgelam.json"), config.ToJsonString());
        return ConfigDir;
    }

    private DaemonProcess Start() => DaemonProcess.JitUnderSystemd(ConfigDir, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _systemd.Path }, "run");

    private static Func<string, bool> StartsWith(string prefix) => m => m.StartsWith(prefix, StringComparison.Ordinal);

    [Fact]
    public Task Run_Peer_ServesGatewayWithInProcessTokensPublishesStatusAndGoesOfflineOnSigterm() =>
        ServeThenStopAsync(() => Start());

    [AotFact]
    public Task Run_NativeAotPeer_ServesGatewayWithInProcessTokensPublishesStatusAndGoesOfflineOnSigterm() =>
        ServeThenStopAsync(() => DaemonProcess.UnderSystemd(ConfigDir, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _systemd.Path }));

    private async Task ServeThenStopAsync(Func<DaemonProcess> start)
    {
        using var broker = new MosquittoBroker();
        Config(broker.Port, new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1" }, _model.TwoWay);
        await using var watcher = await StatusWatcher.StartAsync(broker.Port, new TopicScheme(_site).NodeStatus("daemon-node"));
        await using var capacity = await StatusWatcher.StartAsync(broker.Port, new TopicScheme(_site).NodeCapacity("daemon-node"));
        using var daemon = start();

        _systemd.WaitFor(StartsWith("READY=1"), Patience, "READY=1");
        var online = watcher.WaitFor(s => s["state"]?.GetValue<string>() == "online" && s["segments"] is not null, Patience, "status summary online", daemon);
        Assert.Equal("1-1", online["segments"]!.GetValue<string>());
        Assert.Equal("peer", online["roles"]![0]!.GetValue<string>());

        var prompt = _model.Prompt(6, seed: 11);
        const int newTokens = 5;
        var expected = _model.InProcess(_model.TwoWay, WireCodec.Raw, prompt, newTokens);
        var generation = await GenerateAsync(broker.Port, prompt, newTokens);
        Assert.Equal(expected, generation.Tokens);

        // Each generated token is one step the daemon's peer ran: counted, and timed as stage segment1.compute.
        var served = watcher.WaitFor(
            s => s["steps"]?.GetValue<long>() == expected.Count && s["stages"]?["segment1.compute"]?["count"]?.GetValue<long>() == expected.Count,
            Patience,
            $"status with {expected.Count} steps, each timed",
            daemon);
        Assert.Equal(0, served["rejected"]!.GetValue<long>());
        var compute = served["stages"]!["segment1.compute"]!;
        Assert.True(compute["p50Ms"]!.GetValue<double>() <= compute["p99Ms"]!.GetValue<double>());
        _systemd.WaitFor(m => m.Contains("STATUS=peer daemon-node: segments 1-1", StringComparison.Ordinal) && m.Contains($"{expected.Count} steps", StringComparison.Ordinal), Patience, "STATUS summary with the steps");

        // Capacity (retained): tiny's block 1 of 2, and the decode steps it measured (every step but the prefill).
        // Max sessions from the preset's shapes: 1 GiB KV budget / (1 block x K and V x 2 KV heads x 16 dims x 4 bytes
        // x 256 positions).
        var measured = capacity.WaitFor(c => c["models"]?[0]?["decodeSteps"]?.GetValue<long>() == expected.Count - 1, Patience, "capacity with the decode steps", daemon);
        var hosted = measured["models"]![0]!;
        Assert.Equal(1, hosted["firstLayer"]!.GetValue<int>());
        Assert.Equal(2, hosted["endLayer"]!.GetValue<int>());
        Assert.Equal((1 << 30) / (1 * 2 * 2 * 16 * 4 * MultiNodeFixture.ContextLimit), hosted["maxSessions"]!.GetValue<int>());
        Assert.True(hosted["decodeMsPerLayer"]!.GetValue<double>() > 0);
        Assert.Equal(online["modelId"]?.GetValue<string>() ?? hosted["modelId"]!.GetValue<string>(), hosted["modelId"]!.GetValue<string>());
        Assert.Equal(Environment.ProcessorCount, measured["cpuCount"]!.GetValue<int>());
        Assert.True(measured["memoryBytes"]!.GetValue<long>() > 0);

        // SIGHUP: the step timeout applies to the running stage, the wire codec only after a restart.
        Config(broker.Port, new JsonObject { ["Role"] = "peer", ["Segments"] = "1-1", ["StepTimeout"] = "2s", ["Wire"] = "fp16" }, _model.TwoWay);
        daemon.Signal("HUP");
        _systemd.WaitFor(StartsWith("RELOADING=1"), Patience, "RELOADING=1");
        _systemd.WaitFor(StartsWith("READY=1"), Patience, "READY=1 after the reload");

        daemon.Signal("TERM");

        _systemd.WaitFor(StartsWith("STOPPING=1"), Patience, "STOPPING=1");
        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.Contains("Node:StepTimeout 00:00:02", daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains("Node:Wire changed; it takes effect after a restart", daemon.Stderr, StringComparison.Ordinal);
        var offline = watcher.WaitFor(s => s["state"]?.GetValue<string>() == "offline", Patience, "status offline", daemon);
        Assert.Equal(expected.Count, offline["steps"]!.GetValue<long>());
        Assert.Equal(NodeState.Offline, ControlMessageCodec.DecodeStatus(JsonSerializer.SerializeToUtf8Bytes(offline)).State);
        Assert.Contains("Node drained", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GatewayOnSimBoard_SensorWindowsBecomeRequestsWhoseResultsCarryTheWindow()
    {
        using var broker = new MosquittoBroker();
        const int newTokens = 3;
        var metricsPort = MosquittoBroker.FreeTcpPort();
        Config(
            broker.Port,
            new JsonObject { ["Role"] = "gateway", ["Segments"] = "0-0", ["StepTimeout"] = "10s" },
            _model.TwoWay,
            sections: new JsonObject
            {
                // The sim board (the default) with Chronos bins narrowed to fit tiny's 512-id vocabulary; the patch
                // stream needs a model split with an embedding-only segment 0, so only the Chronos streams ask.
                ["Sensors"] = new JsonObject { ["Tokenizer"] = new JsonObject { ["Chronos"] = new JsonObject { ["Bins"] = 400 } } },
                ["Sensing"] = new JsonObject { ["Streams"] = new JsonArray("env", "vibration"), ["MaxNewTokens"] = newTokens, ["PromptIds"] = new JsonArray(11) },
                ["Metrics"] = new JsonObject { ["Enabled"] = true, ["Port"] = metricsPort, ["StatusInterval"] = "1s" },
            });
        var topics = new TopicScheme(_site);
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
        var final = results.WaitFor(r => r["final"]?.GetValue<bool>() == true && r["window"] is not null, Patience, "a final result of a sensor request", daemon);

        Assert.Equal("daemon-node", final["gateway"]!.GetValue<string>());
        Assert.Equal(newTokens, final["tokens"]!.AsArray().Count);
        Assert.All(final["tokens"]!.AsArray(), t => Assert.InRange(t!.GetValue<long>(), 0, _model.Vocabulary - 1));
        var window = final["window"]!;
        var streams = window["streams"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["env", "vibration"], streams);
        Assert.All(window["streams"]!.AsArray(), s => Assert.Equal("chronos", s!["tokenizer"]!.GetValue<string>()));
        var start = DateTimeOffset.Parse(window["startUtc"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse(window["endUtc"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(start <= end, $"window {start:O} .. {end:O}");
        Assert.True(start >= before.AddSeconds(-1) && end <= DateTimeOffset.UtcNow.AddSeconds(1), $"window {start:O} .. {end:O} is not from this run (started {before:O})");
        Assert.True(window["startNs"]!.GetValue<long>() <= window["endNs"]!.GetValue<long>());

        // The gateway's frames are counted; the plan epoch and the cut it sits at (block 1 of tiny's 2-way split).
        using var http = new HttpClient();
        var metrics = (await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"))).Split('\n');
        var sent = metrics.Single(l => l.StartsWith("edgelam_frames_total{direction=\"sent\"} ", StringComparison.Ordinal));
        Assert.True(long.Parse(sent.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= newTokens, sent);
        var bytes = metrics.Single(l => l.StartsWith("edgelam_bytes_total{direction=\"sent\"} ", StringComparison.Ordinal));
        Assert.True(long.Parse(bytes.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > 64 * newTokens, bytes);
        Assert.Contains("edgelam_plan_epoch 1", metrics);
        Assert.Contains("edgelam_split_layer 1", metrics);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
        Assert.DoesNotContain("Sensing cannot run", daemon.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, peer.Peer!.Rejected);
    }

    [Fact]
    public void Run_ShippedDefaultConfigurationWithoutModelPath_ReadyWithStatusWaitingForModelAndStaysUp()
    {
        File.Copy(Path.Combine(TestPaths.RepoRoot, "systemd", "edgelam.json"), Path.Combine(ConfigDir, "edgelam.json"));
        using var daemon = Start();

        var ready = _systemd.WaitForReady(Patience);
        Assert.Contains("STATUS=waiting for a model: set Model:Path", ready, StringComparison.Ordinal);
        Thread.Sleep(500);
        Assert.Null(daemon.ExitCodeIfExited);

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }

    [Fact]
    public async Task Run_BrokerUnreachableAtStart_ReadyWaitingForBrokerThenServesWhenItStarts()
    {
        var port = MosquittoBroker.FreeTcpPort();
        Config(port, new JsonObject { ["Role"] = "peer" }, _model.TwoWay);
        using var daemon = Start();

        var ready = _systemd.WaitForReady(Patience);
        Assert.Contains($"STATUS=waiting for broker 127.0.0.1:{port}", ready, StringComparison.Ordinal);
        Thread.Sleep(1000); // several connection attempts fail
        Assert.Null(daemon.ExitCodeIfExited);

        using var broker = new MosquittoBroker(port);
        await using var watcher = await StatusWatcher.StartAsync(port, new TopicScheme(_site).NodeStatus("daemon-node"));
        var online = watcher.WaitFor(s => s["state"]?.GetValue<string>() == "online" && s["segments"] is not null, Patience, "status summary online after the broker started", daemon);
        Assert.Equal("1-1", online["segments"]!.GetValue<string>()); // a peer defaults to every segment after the gateway's
        _systemd.WaitFor(StartsWith("STATUS=peer daemon-node"), Patience, "STATUS serving");

        daemon.Signal("TERM");
        Assert.Equal(0, daemon.WaitForExit(Patience));
    }

    [Fact]
    public void Run_ModelSegmentsMissing_Exits78AfterConnectingWithTheReason()
    {
        using var broker = new MosquittoBroker();
        var broken = Directory.CreateDirectory(_dir.Combine("manifest-only")).FullName;
        File.Copy(Path.Combine(_model.TwoWay, "manifest.json"), Path.Combine(broken, "manifest.json"));
        Config(broker.Port, new JsonObject { ["Role"] = "peer" }, broken);
        using var daemon = Start();

        var code = daemon.WaitForExit(Patience);

        Assert.True(code == 78, $"exit code {code}, stderr:\n{daemon.Stderr}");
        Assert.Contains("cannot start with the model at " + broken, daemon.Stderr, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?, string> BadNodes => new()
    {
        { "model path missing", """{}""", "/nonexistent/edgelam/split", "Model:Path = \"/nonexistent/edgelam/split\"" },
        { "segments reversed", """{ "Segments": "2-1" }""", null, "Node:Segments = \"2-1\": must be a range A-B" },
        { "segments not a range", """{ "Segments": "first" }""", null, "Node:Segments = \"first\"" },
        { "segments beyond the model", """{ "Role": "peer", "Segments": "1-4" }""", "two-way", "Node:Segments = \"1-4\": must lie within 0-1" },
        { "gateway keeps every segment", """{ "Segments": "0-1" }""", "two-way", "Node:Segments = \"0-1\": must leave segments to peers" },
        { "peer on segment 0", """{ "Role": "peer", "Segments": "0-0" }""", "two-way", "Node:Segments = \"0-0\": must start at 1" },
        { "unknown role", """{ "Role": "boss" }""", null, "Node:Role = \"boss\": must be one of" },
        { "unknown wire codec", """{ "Wire": "fp8" }""", null, "Node:Wire = \"fp8\": must be one of raw, fp16, bf16, int8" },
        { "model directory not split", """{}""", "not-split", "split model directory with manifest.json" },
    };

    [Theory]
    [MemberData(nameof(BadNodes))]
    public void Run_BadNodeConfiguration_Exits78NamingTheKey(string scenario, string node, string? model, string expected)
    {
        var modelPath = model switch
        {
            "two-way" => _model.TwoWay,
            "not-split" => Directory.CreateDirectory(_dir.Combine("plain")).FullName,
            _ => model,
        };
        Config(MosquittoBroker.FreeTcpPort(), JsonNode.Parse(node)!.AsObject(), modelPath);
        using var daemon = Start();

        var code = daemon.WaitForExit(Patience);

        Assert.True(code == 78, $"{scenario}: exit code {code}, stderr:\n{daemon.Stderr}");
        Assert.Contains(expected, daemon.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>Collects the retained status documents published on one topic.</summary>
internal sealed class StatusWatcher : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly BlockingCollection<JsonObject> _statuses = [];
    private readonly List<string> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private StatusWatcher(MqttClient client)
    {
        _client = client;
    }

    /// <summary>Subscribes to <paramref name="topic"/>; with <paramref name="tls"/>, over TLS to <c>localhost</c> (the broker certificate's name).</summary>
    public static async Task<StatusWatcher> StartAsync(int port, string topic, MqttTlsOptions? tls = null)
    {
        var client = MqttClient.Create(new MqttClientOptions
        {
            Host = tls is null ? "127.0.0.1" : "localhost",
            Port = port,
            Tls = tls,
            ClientId = "status-watcher-" + Guid.NewGuid().ToString("N")[..8],
            CleanStart = true,
            ReconnectDelayMax = TimeSpan.FromMilliseconds(500),
        });
        var watcher = new StatusWatcher(client);
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await client.SubscribeAsync(topic);
        watcher._run = Task.Run(() => client.RunMessageHandlerAsync(
            (m, _) =>
            {
                var text = System.Text.Encoding.UTF8.GetString(m.Payload.Span);
                lock (watcher._seen)
                {
                    watcher._seen.Add(text);
                }

                if (JsonNode.Parse(text) is JsonObject o)
                {
                    watcher._statuses.Add(o);
                }

                return ValueTask.CompletedTask;
            },
            watcher._stop.Token));
        return watcher;
    }

    public JsonObject WaitFor(Func<JsonObject, bool> match, TimeSpan timeout, string what, DaemonProcess daemon)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_statuses.TryTake(out var status, left))
            {
                string seen;
                lock (_seen)
                {
                    seen = string.Join("\n", _seen);
                }

                throw new Xunit.Sdk.XunitException($"no {what} within {timeout.TotalSeconds} s; statuses:\n{seen}\nstderr:\n{daemon.Stderr}");
            }

            if (match(status))
            {
                return status;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _client.DisposeAsync();
        _stop.Dispose();
        _statuses.Dispose();
    }
}
