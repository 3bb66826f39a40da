using System.Diagnostics;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>
/// MQTTnet 5 (managed MQTT client) as a contender: the same broker, topic shape, payload size, QoS 1 and message
/// count as our client. Publishes keep up to 64 QoS 1 messages in flight, our client's <c>MaxInflightMessages</c>
/// here (MQTTnet's <c>PublishAsync</c> completes on PUBACK, so awaiting each one would measure one in flight).
/// </summary>
internal static class MqttNetContender
{
    private const int InFlight = 64;

    private static async Task<IMqttClient> ConnectAsync(MqttClientFactory factory, int port, string clientId)
    {
        var client = factory.CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithCleanStart()
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build();
        await client.ConnectAsync(options);
        return client;
    }

    private static async Task<(IMqttClient Pub, IMqttClient Sub, Channel<long> Received)> PairAsync(int port, string topic, string id)
    {
        var factory = new MqttClientFactory();
        var sub = await ConnectAsync(factory, port, $"mqttnet-sub-{id}");
        var pub = await ConnectAsync(factory, port, $"mqttnet-pub-{id}");
        var received = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
        sub.ApplicationMessageReceivedAsync += e =>
        {
            received.Writer.TryWrite(e.ApplicationMessage.Payload.Length);
            return Task.CompletedTask;
        };
        await sub.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return (pub, sub, received);
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    /// <summary>Seconds from the first publish until the subscriber has received the last message.</summary>
    public static async Task<double> ThroughputAsync(int port, int count, int size, int run)
    {
        var topic = $"edgelam/v1/bench/mqttnet/{run}";
        var (pub, sub, received) = await PairAsync(port, topic, $"t{run}");
        using (pub)
        using (sub)
        {
            var payload = new byte[size];
            new Random(run).NextBytes(payload);
            var message = Message(topic, payload);
            using var window = new SemaphoreSlim(InFlight);
            var pending = new List<Task>(count);
            var stopwatch = Stopwatch.StartNew();
            var receive = Task.Run(async () =>
            {
                for (var i = 0; i < count; i++)
                {
                    var length = await received.Reader.ReadAsync();
                    if (length != size)
                    {
                        throw new InvalidOperationException($"payload {length} != {size}");
                    }
                }
            });
            for (var i = 0; i < count; i++)
            {
                await window.WaitAsync();
                pending.Add(PublishOneAsync(pub, message, window));
            }

            await Task.WhenAll(pending);
            await receive;
            var seconds = stopwatch.Elapsed.TotalSeconds;
            await pub.DisconnectAsync();
            await sub.DisconnectAsync();
            return seconds;
        }
    }

    private static async Task PublishOneAsync(IMqttClient pub, MqttApplicationMessage message, SemaphoreSlim window)
    {
        try
        {
            var result = await pub.PublishAsync(message);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"MQTTnet publish failed: {result.ReasonCode}");
            }
        }
        finally
        {
            window.Release();
        }
    }

    /// <summary>Per-message round trips (ms): publish one message, wait until the subscriber has it.</summary>
    public static async Task<List<double>> RoundTripsAsync(int port, int count, int warmup, int size)
    {
        var topic = "edgelam/v1/bench/mqttnet/rtt";
        var (pub, sub, received) = await PairAsync(port, topic, "rtt");
        using (pub)
        using (sub)
        {
            var message = Message(topic, new byte[size]);
            var times = new List<double>(count);
            for (var i = 0; i < warmup + count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var publish = pub.PublishAsync(message);
                var length = await received.Reader.ReadAsync();
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                await publish;
                if (length != size)
                {
                    throw new InvalidOperationException($"payload {length} != {size}");
                }

                if (i >= warmup)
                {
                    times.Add(elapsed);
                }
            }

            await pub.DisconnectAsync();
            await sub.DisconnectAsync();
            return times;
        }
    }
}
