using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

internal static class TestClients
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static MqttClientOptions Options(string clientId, int port = 1883, Action<MqttClientOptions>? configure = null)
    {
        var options = new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = clientId + "-" + Guid.NewGuid().ToString("N")[..6],
            KeepAlive = TimeSpan.FromSeconds(10),
            SessionExpiry = TimeSpan.FromMinutes(5),
            ReconnectDelayMin = TimeSpan.FromMilliseconds(50),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(400),
        };
        configure?.Invoke(options);
        return options;
    }

    public static MqttClient InMemory(InMemoryMqttBroker broker, string clientId, Action<MqttClientOptions>? configure = null)
    {
        var options = Options(clientId, configure: configure);
        return new MqttClient(options, new InMemoryMqttChannel(broker, options.LastWill));
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; the caller asserts afterwards.</summary>
    public static void WaitUntil(Func<bool> condition) => SpinWait.SpinUntil(condition, Timeout);

    public static async Task<MqttReceivedMessage> ReadAsync(MqttClient client)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await client.Messages.ReadAsync(cts.Token);
    }

    public static async Task<List<(string Topic, byte[] Payload)>> ReadAsync(MqttClient client, int count)
    {
        var list = new List<(string, byte[])>();
        for (var i = 0; i < count; i++)
        {
            using var m = await ReadAsync(client);
            list.Add((m.Topic, m.Payload.ToArray()));
        }

        return list;
    }
}
