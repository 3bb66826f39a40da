using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Resplit.Bench;

/// <summary>
/// <c>edgelam run</c> daemons on one broker for the benchmark: starts nodes from their <c>Node</c> section, waits until
/// they serve, sends requests on <c>requests/{gateway}</c> and keeps every result (the per-step <c>stepUs</c>).
/// </summary>
internal sealed class BenchSite : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _binary;
    private readonly string _model;
    private readonly TempDirectory _dir;
    private readonly Dictionary<string, (Process Process, StringBuilder Stderr)> _nodes = [];
    private readonly ConcurrentDictionary<string, List<JsonObject>> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly MqttClient _client;
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public BenchSite(string binary, string model, int brokerPort, string site, TempDirectory dir)
    {
        _binary = binary;
        _model = model;
        _dir = dir;
        BrokerPort = brokerPort;
        Topics = new TopicScheme(site);
        _client = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = brokerPort, ClientId = "bench-" + site, CleanStart = true });
    }

    public int BrokerPort { get; }

    public TopicScheme Topics { get; }

    public async Task ConnectAsync()
    {
        await _client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await _client.SubscribeAsync(Topics.AllResults);
        await _client.SubscribeAsync(Topics.AllNodeStatus);
        _run = Task.Run(() => _client.RunMessageHandlerAsync(OnMessage, _stop.Token));
    }

    public void Start(string name, JsonObject node)
    {
        node["Name"] = name;
        node["Site"] = Topics.Site;
        var config = new JsonObject
        {
            ["Node"] = node,
            ["Mqtt"] = new JsonObject { ["Host"] = "127.0.0.1", ["Port"] = BrokerPort, ["ReconnectDelayMax"] = "500ms", ["CleanStart"] = true, ["SessionExpiry"] = "0s" },
            ["Onnx"] = new JsonObject { ["LibraryPath"] = TestPaths.OnnxRuntimeLibrary, ["IntraOpThreads"] = 1 },
            ["Metrics"] = new JsonObject { ["StatusInterval"] = "1s" },
            ["Model"] = new JsonObject { ["Path"] = _model },
            ["Sensing"] = new JsonObject { ["Enabled"] = false },
        };
        var dir = Directory.CreateDirectory(_dir.Combine("etc-" + name)).FullName;
        File.WriteAllText(Path.Combine(dir, "edgelam.json"), config.ToJsonString());
        var psi = new ProcessStartInfo(_binary, ["run"]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("EDGELAM__", StringComparison.Ordinal) || k is "NOTIFY_SOCKET" or "WATCHDOG_USEC").ToList())
        {
            psi.Environment.Remove(key);
        }

        psi.Environment["EDGELAM_CONFIG_DIR"] = dir;
        psi.Environment["ORT_DISABLE_TELEMETRY"] = "1";
        _states.TryRemove(name, out _);
        var process = Process.Start(psi)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _nodes[name] = (process, stderr);
    }

    /// <summary>Waits until the nodes are online and the gateway reads its requests.</summary>
    public void WaitServing(string gateway, IEnumerable<string> names)
    {
        var deadline = DateTime.UtcNow + Patience;
        bool Ready() => names.All(n => _states.TryGetValue(n, out var s) && s == "online") && Stderr(gateway).Contains("Requests: subscribed", StringComparison.Ordinal);
        while (!Ready())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("nodes not serving:\n" + string.Join("\n", _nodes.Keys.Select(n => n + ":\n" + Stderr(n))));
            }

            Thread.Sleep(50);
        }
    }

    public string Stderr(string name)
    {
        var stderr = _nodes[name].Stderr;
        lock (stderr)
        {
            return stderr.ToString();
        }
    }

    /// <summary>Runs one request and returns every result of it (one per step), the final last.</summary>
    public async Task<List<JsonObject>> RequestAsync(string gateway, string id, IReadOnlyList<long> prompt, int maxTokens)
    {
        var list = _results.GetOrAdd(id, _ => []);
        var json = new JsonObject { ["id"] = id, ["promptIds"] = new JsonArray([.. prompt.Select(t => (JsonNode)t)]), ["maxTokens"] = maxTokens };
        await _client.PublishAsync(new MqttApplicationMessage(Topics.Requests(gateway), Encoding.UTF8.GetBytes(json.ToJsonString())));
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            lock (list)
            {
                if (list.Any(r => r["final"]?.GetValue<bool>() == true))
                {
                    return [.. list];
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"request {id}: no final result\n{Stderr(gateway)}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Stops every node (SIGKILL: the benchmark needs no drain) and forgets them.</summary>
    public void StopAll()
    {
        foreach (var (process, _) in _nodes.Values)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        _nodes.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        StopAll();
        await _stop.CancelAsync();
        await _run;
        await _client.DisposeAsync();
        _stop.Dispose();
    }

    private ValueTask OnMessage(MqttReceivedMessage message, CancellationToken cancellationToken)
    {
        if (!TopicScheme.TryParse(message.Topic, out var topic) || message.Payload.IsEmpty || JsonNode.Parse(message.Payload.Span) is not JsonObject document)
        {
            return ValueTask.CompletedTask;
        }

        if (topic.Kind == TopicKind.NodeStatus && document["state"]?.GetValue<string>() is { } state && document["segments"] is not null)
        {
            _states[topic.Node!] = state;
        }
        else if (topic.Kind == TopicKind.Results && document["id"]?.GetValue<string>() is { } id && _results.TryGetValue(id, out var list))
        {
            lock (list)
            {
                list.Add(document);
            }
        }

        return ValueTask.CompletedTask;
    }
}
