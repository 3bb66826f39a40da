using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests.Site;

/// <summary>
/// A multi-process site: a real mosquitto, <c>edgelam run</c> daemons (the JIT build) from per-node JSON
/// configurations, a client that sends requests on <c>requests/{gateway}</c> and collects results and statuses. Nodes
/// can be reloaded (configuration rewritten, then SIGHUP) and killed (SIGKILL). Every node gets
/// <see cref="Site"/>, the broker and ONNX Runtime with one thread; the test gives the rest of its <c>Node</c> section.
/// </summary>
internal sealed class SiteHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir = new("edgelam-site-");
    private readonly Dictionary<string, (DaemonProcess Process, JsonObject Node)> _nodes = [];
    private readonly Dictionary<string, JsonObject> _sections = [];
    private readonly ConcurrentDictionary<string, int> _finalCounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _finals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _statuses = new(StringComparer.Ordinal);
    private readonly string _model;
    private MqttClient? _client;
    private Task _run = Task.CompletedTask;
    private readonly CancellationTokenSource _stop = new();

    private SiteHarness(string model, string site)
    {
        _model = model;
        Site = site;
        Broker = new MosquittoBroker();
        Topics = new TopicScheme(site);
    }

    public string Site { get; }

    public TopicScheme Topics { get; }

    public MosquittoBroker Broker { get; }

    /// <summary>Starts the broker and the harness's client; <paramref name="model"/> is the split model every node serves.</summary>
    public static async Task<SiteHarness> StartAsync(string model, string? site = null)
    {
        var harness = new SiteHarness(model, site ?? "s" + Guid.NewGuid().ToString("N")[..8]);
        var client = MqttClient.Create(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = harness.Broker.Port,
            ClientId = "site-harness-" + harness.Site,
            CleanStart = false, // a persistent session: results published while the broker restarts wait for the harness
            ReconnectDelayMax = TimeSpan.FromMilliseconds(500),
        });
        harness._client = client;
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await client.SubscribeAsync(harness.Topics.AllResults);
        await client.SubscribeAsync(harness.Topics.AllNodeStatus);
        harness._run = Task.Run(() => client.RunMessageHandlerAsync(harness.OnMessage, harness._stop.Token));
        return harness;
    }

    /// <summary>
    /// Writes the node's configuration (its <c>Node</c> section: <paramref name="node"/> over Name and Site; top-level
    /// <paramref name="sections"/> replace the harness's, for example <c>Sensing</c>) and starts <c>edgelam run</c>.
    /// </summary>
    public DaemonProcess StartNode(string name, JsonObject node, JsonObject? sections = null)
    {
        _sections[name] = sections ?? [];
        var section = new JsonObject { ["Name"] = name, ["Site"] = Site };
        foreach (var (k, v) in node)
        {
            section[k] = v?.DeepClone();
        }

        WriteConfig(name, section);
        var process = DaemonProcess.Jit(ConfigDir(name), null, "run");
        _nodes[name] = (process, section);
        return process;
    }

    /// <summary>The node's latest status (<c>nodes/{name}/status</c>), or null before the first.</summary>
    public JsonObject? Status(string name) => _statuses.TryGetValue(name, out var status) ? status : null;

    /// <summary>The node's process.</summary>
    public DaemonProcess Node(string name) => _nodes[name].Process;

    /// <summary>Waits until every node named published status online and every gateway among them subscribed to its requests.</summary>
    public void WaitServing(params string[] names)
    {
        foreach (var name in names)
        {
            var process = Node(name);
            Until(() => _statuses.TryGetValue(name, out var s) && s["state"]?.GetValue<string>() == "online" && s["segments"] is not null, $"{name} online");
            if (_nodes[name].Node["Role"]?.GetValue<string>() == "gateway")
            {
                Until(() => process.Stderr.Contains("Requests: subscribed to " + Topics.Requests(name), StringComparison.Ordinal), $"{name} subscribed to its requests");
            }
        }
    }

    /// <summary>Publishes <paramref name="json"/> as a request to <paramref name="gateway"/>.</summary>
    public ValueTask SendRawAsync(string gateway, string json) =>
        _client!.PublishAsync(new MqttApplicationMessage(Topics.Requests(gateway), Encoding.UTF8.GetBytes(json)));

    /// <summary>Sends a request and returns its final result (an error result included).</summary>
    public async Task<JsonObject> RequestAsync(string gateway, string id, IReadOnlyList<long> prompt, int maxTokens)
    {
        var json = new JsonObject { ["id"] = id, ["promptIds"] = new JsonArray([.. prompt.Select(t => (JsonNode)t)]), ["maxTokens"] = maxTokens };
        await SendRawAsync(gateway, json.ToJsonString());
        return await FinalAsync(id);
    }

    /// <summary>The final result of request <paramref name="id"/>.</summary>
    public async Task<JsonObject> FinalAsync(string id)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (_finals.TryGetValue(id, out var final))
            {
                return final;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"no final result of request {id} within {Patience.TotalSeconds} s; stderr:\n{AllStderr()}");
    }

    /// <summary>Rewrites the node's configuration with <paramref name="changes"/> in its <c>Node</c> section and sends SIGHUP.</summary>
    public void Reload(string name, JsonObject changes)
    {
        var (process, node) = _nodes[name];
        foreach (var (k, v) in changes)
        {
            node[k] = v?.DeepClone();
        }

        WriteConfig(name, node);
        process.Signal("HUP");
    }

    /// <summary>How many final results of request <paramref name="id"/> arrived (each request must be answered exactly once).</summary>
    public int FinalCount(string id) => _finalCounts.GetValueOrDefault(id);

    /// <summary>Kills the node with SIGKILL (its last will says offline).</summary>
    public void Kill(string name) => Node(name).Signal("KILL");

    /// <summary>Every node's stderr, for assertion messages.</summary>
    public string AllStderr() => string.Join("\n", _nodes.Select(n => $"--- {n.Key}:\n{n.Value.Process.Stderr}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _nodes.Values)
        {
            process.Dispose();
        }

        await _stop.CancelAsync();
        await _run;
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _stop.Dispose();
        Broker.Dispose();
        _dir.Dispose();
    }

    private string ConfigDir(string name) => _dir.Combine(name);

    private void WriteConfig(string name, JsonObject node)
    {
        var config = new JsonObject
        {
            ["Node"] = node.DeepClone(),
            ["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = Broker.Port, ["ReconnectDelayMax"] = "500ms" },
            ["Onnx"] = new JsonObject { ["LibraryPath"] = TestPaths.OnnxRuntimeLibrary, ["IntraOpThreads"] = 1 },
            ["Metrics"] = new JsonObject { ["StatusInterval"] = "1s" },
            ["Model"] = new JsonObject { ["Path"] = _model },
            ["Sensing"] = new JsonObject { ["Enabled"] = false },
        };
        foreach (var (k, v) in _sections.GetValueOrDefault(name) ?? [])
        {
            config[k] = v?.DeepClone();
        }

        Directory.CreateDirectory(ConfigDir(name));
        File.WriteAllText(Path.Combine(ConfigDir(name), "edgelam.json"), config.ToJsonString());
    }

    private ValueTask OnMessage(MqttReceivedMessage message, CancellationToken cancellationToken)
    {
        if (!TopicScheme.TryParse(message.Topic, out var topic) || message.Payload.IsEmpty || JsonNode.Parse(message.Payload.Span) is not JsonObject document)
        {
            return ValueTask.CompletedTask;
        }

        if (topic.Kind == TopicKind.NodeStatus)
        {
            _statuses[topic.Node!] = document;
        }
        else if (topic.Kind == TopicKind.Results && document["final"]?.GetValue<bool>() == true && document["id"]?.GetValue<string>() is { } id)
        {
            _finals.TryAdd(id, document);
            _finalCounts.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return ValueTask.CompletedTask;
    }

    private void Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"no {what} within {Patience.TotalSeconds} s; stderr:\n{AllStderr()}");
            }

            Thread.Sleep(50);
        }
    }
}
