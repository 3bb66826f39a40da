using System.Text.Json.Nodes;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests.Faults;

/// <summary>
/// An independent subscriber on <c>results/+</c> for a whole fault run: a persistent session at QoS 1 (so results
/// published while the broker restarts wait for it), keeping every result it was delivered. It counts duplicates by
/// request id and step: the fault matrix's "no duplicate result" is asserted on what it saw.
/// </summary>
internal sealed class ResultWatch : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly List<Delivered> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private ResultWatch(MqttClient client)
    {
        _client = client;
    }

    /// <summary>Every result delivered so far, in arrival order.</summary>
    public IReadOnlyList<Delivered> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static async Task<ResultWatch> StartAsync(int port, TopicScheme topics)
    {
        var client = MqttClient.Create(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = "result-watch-" + Guid.NewGuid().ToString("N")[..8],
            CleanStart = false,
            SessionExpiry = TimeSpan.FromMinutes(30),
            ReconnectDelayMin = TimeSpan.FromMilliseconds(50),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(300),
        });
        var watch = new ResultWatch(client);
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await client.SubscribeAsync(topics.AllResults, MqttQualityOfService.AtLeastOnce);
        watch._run = Task.Run(() => client.RunMessageHandlerAsync(watch.OnMessage, watch._stop.Token));
        return watch;
    }

    /// <summary>The final results of request <paramref name="id"/> seen so far.</summary>
    public int Finals(string id) => Seen.Count(r => r.Final && r.Id == id);

    /// <summary>(request id, step) pairs of requests with an id delivered more than once, with how often.</summary>
    public IReadOnlyList<((string Id, long Step) Key, int Count)> Duplicates() =>
        [.. Seen.Where(r => r.Id.Length > 0).GroupBy(r => (r.Id, r.Step)).Where(g => g.Count() > 1).Select(g => (g.Key, g.Count()))];

    /// <summary>Waits until <paramref name="condition"/> holds on what was seen (bounded); false when it never did.</summary>
    public bool WaitUntil(Func<IReadOnlyList<Delivered>, bool> condition, TimeSpan timeout) =>
        SpinWait.SpinUntil(() => condition(Seen), timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _client.DisposeAsync();
        _stop.Dispose();
    }

    private ValueTask OnMessage(MqttReceivedMessage message, CancellationToken cancellationToken)
    {
        if (JsonNode.Parse(message.Payload.Span) is JsonObject r)
        {
            var delivered = new Delivered(
                r["id"]?.GetValue<string>() ?? string.Empty,
                r["step"]?.GetValue<long>() ?? -1,
                r["final"]?.GetValue<bool>() == true,
                r["error"]?.GetValue<string>(),
                [.. r["tokens"]?.AsArray().Select(t => t!.GetValue<long>()) ?? []],
                [.. r["stages"]?.AsArray().Select(s => s!["node"]!.GetValue<string>()) ?? []],
                [.. r["window"]?["streams"]?.AsArray().Select(s => s!["name"]!.GetValue<string>()) ?? []],
                r["window"]?["startUtc"] is { } start ? DateTimeOffset.Parse(start.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : null,
                r["session"]?.GetValue<string>() ?? string.Empty,
                r["request"]?.GetValue<ulong>() ?? 0);
            lock (_seen)
            {
                _seen.Add(delivered);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// One delivered result: its request id (empty for a sensor request), step, whether it is final, its error, tokens
    /// so far, the stages' nodes, for a sensor request its window's streams and earliest sample (wall clock), and the
    /// gateway's conversation and request number.
    /// </summary>
    internal sealed record Delivered(string Id, long Step, bool Final, string? Error, IReadOnlyList<long> Tokens, IReadOnlyList<string> Nodes, IReadOnlyList<string> Streams, DateTimeOffset? WindowStart, string Session, ulong Request);
}
