using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Gateway.Tests.Offline;

/// <summary>
/// An independent subscriber to a gateway's results: a persistent session (QoS 1, so results published while it
/// reconnects after a broker restart wait at the broker) that keeps every final result by request id.
/// </summary>
internal sealed class ResultCollector : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _finals = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private ResultCollector(MqttClient client)
    {
        _client = client;
    }

    /// <summary>Final results received, by request id: the tokens of each copy (the same id twice is a duplicate).</summary>
    public IReadOnlyDictionary<string, ConcurrentQueue<string>> Finals => _finals;

    public static async Task<ResultCollector> StartAsync(int port, string topic)
    {
        var client = MqttClient.Create(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = "results-" + Guid.NewGuid().ToString("N")[..8],
            CleanStart = false,
            SessionExpiry = TimeSpan.FromHours(1),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(300),
        });
        var collector = new ResultCollector(client);
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await client.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);
        collector._run = Task.Run(() => client.RunMessageHandlerAsync(
            (m, _) =>
            {
                if (JsonNode.Parse(m.Payload.Span) is JsonObject { } result && result["final"]?.GetValue<bool>() == true && result["id"]?.GetValue<string>() is { } id)
                {
                    collector._finals.GetOrAdd(id, _ => new()).Enqueue(result["tokens"]!.ToJsonString());
                }

                return ValueTask.CompletedTask;
            },
            collector._stop.Token));
        return collector;
    }

    /// <summary>Waits until every id of <paramref name="ids"/> has a final result; false at <paramref name="timeout"/>.</summary>
    public bool WaitForAll(IReadOnlyCollection<string> ids, TimeSpan timeout) => Eventually(() => ids.All(_finals.ContainsKey), timeout);

    /// <summary>Polls <paramref name="condition"/> every 100 ms; false at <paramref name="timeout"/>.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
