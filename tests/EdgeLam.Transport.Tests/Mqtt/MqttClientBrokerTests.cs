using System.Text;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

/// <summary>The libmosquitto-backed client against a real mosquitto on loopback.</summary>
public sealed class MqttClientBrokerTests : IDisposable
{
    private readonly MosquittoBroker broker = new();

    private MqttClient Client(string id, Action<MqttClientOptions>? configure = null) =>
        MqttClient.Create(TestClients.Options(id, broker.Port, configure));

    private static async Task Connected(params MqttClient[] clients)
    {
        foreach (var c in clients)
        {
            await c.ConnectAsync().WaitAsync(TestClients.Timeout);
        }
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    public async Task PublishSubscribe_Mqtt5Properties_PreservedEndToEnd(MqttQualityOfService qos)
    {
        await using var sub = Client("rt-sub");
        await using var pub = Client("rt-pub");
        await Connected(sub, pub);
        await sub.SubscribeAsync("edgelam/v1/t/rt/#", qos).WaitAsync(TestClients.Timeout);

        var payload = new byte[16 * 1024];
        new Random(5).NextBytes(payload);
        await pub.PublishAsync(new MqttApplicationMessage("edgelam/v1/t/rt/a", payload, qos)
        {
            Properties = new MqttMessageProperties
            {
                ContentType = "application/vnd.edgelam.frame",
                ResponseTopic = "edgelam/v1/t/results/gw1",
                CorrelationData = new byte[] { 1, 2, 3, 4 },
                MessageExpiryInterval = 120,
                UserProperties = [new("session", "s-1"), new("step", "3"), new("session", "dup")],
            },
        });

        using var m = await TestClients.ReadAsync(sub);
        Assert.Equal("edgelam/v1/t/rt/a", m.Topic);
        Assert.Equal(payload, m.Payload.ToArray());
        Assert.Equal(qos, m.QualityOfService);
        Assert.Equal("application/vnd.edgelam.frame", m.Properties.ContentType);
        Assert.Equal("edgelam/v1/t/results/gw1", m.Properties.ResponseTopic);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, m.Properties.CorrelationData.ToArray());
        Assert.True(m.Properties.MessageExpiryInterval is >= 110u and <= 120u, $"{m.Properties}");
        Assert.Equal([new("session", "s-1"), new("step", "3"), new("session", "dup")], m.Properties.UserProperties!);
    }

    [Fact]
    public async Task LastWill_ConnectionCutWithoutDisconnect_WillDeliveredAndRetained()
    {
        const string status = "edgelam/v1/t/nodes/n1/status";
        await using var watcher = Client("will-watch");
        await using var node = Client("will-node", o => o.LastWill = new MqttLastWill
        {
            Topic = status,
            Payload = "{\"state\":\"offline\"}"u8.ToArray(),
            ContentType = "application/json",
            Retain = true,
        });
        await Connected(watcher, node);
        await watcher.SubscribeAsync("edgelam/v1/t/nodes/+/status").WaitAsync(TestClients.Timeout);

        node.Channel.Abort();

        using (var will = await TestClients.ReadAsync(watcher))
        {
            Assert.Equal(status, will.Topic);
            Assert.Equal("{\"state\":\"offline\"}", Encoding.UTF8.GetString(will.Payload.Span));
            Assert.Equal("application/json", will.Properties.ContentType);
        }

        // Retained: a late subscriber still learns that the node is offline.
        await using var late = Client("will-late");
        await Connected(late);
        await late.SubscribeAsync(status).WaitAsync(TestClients.Timeout);
        using var retained = await TestClients.ReadAsync(late);
        Assert.True(retained.Retain);
        Assert.Equal("{\"state\":\"offline\"}", Encoding.UTF8.GetString(retained.Payload.Span));
    }

    [Fact]
    public async Task Dispose_GracefulDisconnect_WillNotPublished()
    {
        const string status = "edgelam/v1/t/nodes/n2/status";
        await using var watcher = Client("nowill-watch");
        var node = Client("nowill-node", o => o.LastWill = new MqttLastWill { Topic = status, Payload = "offline"u8.ToArray(), Retain = false });
        await Connected(watcher, node);
        await watcher.SubscribeAsync(status).WaitAsync(TestClients.Timeout);
        await watcher.SubscribeAsync("edgelam/v1/t/marker").WaitAsync(TestClients.Timeout);

        await node.DisposeAsync();
        await using var marker = Client("nowill-marker");
        await Connected(marker);
        await marker.PublishAsync(new MqttApplicationMessage("edgelam/v1/t/marker", "m"u8.ToArray()));

        // Messages from one broker arrive in order: had the will been sent, it would precede the marker.
        using var first = await TestClients.ReadAsync(watcher);
        Assert.True("edgelam/v1/t/marker" == first.Topic, broker.Log);
    }

    [Fact]
    public async Task RetainedStatus_LateSubscriber_ReceivesLastRetained()
    {
        const string topic = "edgelam/v1/t/nodes/n3/status";
        await using var node = Client("ret-node");
        await Connected(node);
        await node.PublishAsync(new MqttApplicationMessage(topic, "old"u8.ToArray(), Retain: true));
        await node.PublishAsync(new MqttApplicationMessage(topic, "online"u8.ToArray(), Retain: true));
        using (var cts = new CancellationTokenSource(TestClients.Timeout))
        {
            await node.FlushAsync(cts.Token);
        }

        await using var late = Client("ret-late");
        await Connected(late);
        await late.SubscribeAsync("edgelam/v1/t/nodes/+/status").WaitAsync(TestClients.Timeout);
        using var m = await TestClients.ReadAsync(late);
        Assert.True(m.Retain);
        Assert.Equal("online", Encoding.UTF8.GetString(m.Payload.Span));
    }

    [Fact]
    public async Task SharedSubscription_TwoMembers_EachMessageToExactlyOne()
    {
        const int count = 40;
        await using var a = Client("share-a");
        await using var b = Client("share-b");
        await using var pub = Client("share-pub");
        await Connected(a, b, pub);
        await a.SubscribeAsync("$share/stage1/edgelam/v1/t/act/m/4").WaitAsync(TestClients.Timeout);
        await b.SubscribeAsync("$share/stage1/edgelam/v1/t/act/m/4").WaitAsync(TestClients.Timeout);

        for (var i = 0; i < count; i++)
        {
            await pub.PublishAsync(new MqttApplicationMessage("edgelam/v1/t/act/m/4", BitConverter.GetBytes(i)));
        }

        TestClients.WaitUntil(() => a.GetStatistics().Received + b.GetStatistics().Received >= count);
        var fromA = Drain(a);
        var fromB = Drain(b);
        Assert.Equal(count, fromA.Count + fromB.Count);
        Assert.Empty(fromA.Intersect(fromB));
        Assert.Equal(Enumerable.Range(0, count), fromA.Concat(fromB).Order());
        Assert.NotEmpty(fromA);
        Assert.NotEmpty(fromB);
    }

    [Fact]
    public async Task Reconnect_BrokerRestarted_QueuedQos1DeliveredToPersistentSession()
    {
        const int count = 20;
        await using var sub = Client("restart-sub");
        await using var pub = Client("restart-pub");
        await Connected(sub, pub);
        await sub.SubscribeAsync("edgelam/v1/t/restart").WaitAsync(TestClients.Timeout);

        broker.Stop();
        TestClients.WaitUntil(() => !sub.IsConnected && !pub.IsConnected);
        Assert.False(pub.IsConnected);
        for (var i = 0; i < count; i++)
        {
            Assert.True(pub.TryPublish(new MqttApplicationMessage("edgelam/v1/t/restart", BitConverter.GetBytes(i))));
        }

        broker.Start();

        // The subscriber's session (with its subscription) survived in the broker's persistence file, so whichever
        // client reconnects first, nothing is lost.
        List<(string Topic, byte[] Payload)> got;
        try
        {
            got = await TestClients.ReadAsync(sub, count);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"sub {sub.GetStatistics()} pub {pub.GetStatistics()}\n{broker.Log}");
            throw;
        }

        Assert.Equal(Enumerable.Range(0, count), got.Select(g => BitConverter.ToInt32(g.Payload)));
        Assert.Equal(2, sub.GetStatistics().Connections);
        Assert.Equal(0, pub.GetStatistics().DroppedOutgoing);
    }

    [Fact]
    public async Task RunMessageHandler_ConsumerThrows_ProcessSurvivesAndKeepsDelivering()
    {
        await using var sub = Client("throw-sub");
        await using var pub = Client("throw-pub");
        await Connected(sub, pub);
        await sub.SubscribeAsync("edgelam/v1/t/throw").WaitAsync(TestClients.Timeout);
        var seen = 0;
        using var cts = new CancellationTokenSource(TestClients.Timeout);
        var run = sub.RunMessageHandlerAsync((_, _) =>
        {
            Interlocked.Increment(ref seen);
            throw new InvalidOperationException("consumer bug");
        }, cts.Token);

        for (var i = 0; i < 5; i++)
        {
            await pub.PublishAsync(new MqttApplicationMessage("edgelam/v1/t/throw", new[] { (byte)i }));
        }

        TestClients.WaitUntil(() => Volatile.Read(ref seen) == 5);
        await cts.CancelAsync();
        await run;
        Assert.Equal(5, seen);
        Assert.Equal(5, sub.GetStatistics().ConsumerFaults);
        Assert.True(sub.IsConnected);
    }

    [Fact]
    public async Task Connect_WrongPort_RetriesUntilBrokerAppears()
    {
        var port = MosquittoBroker.FreeTcpPort();
        await using var client = MqttClient.Create(TestClients.Options("late", port));
        var connect = client.ConnectAsync();
        Assert.False(connect.IsCompleted);
        using var lateBroker = new MosquittoBroker(port);
        await connect.WaitAsync(TestClients.Timeout);
        Assert.True(client.IsConnected);
    }

    private static List<int> Drain(MqttClient client)
    {
        var list = new List<int>();
        while (client.Messages.TryRead(out var m))
        {
            list.Add(BitConverter.ToInt32(m.Payload.Span));
            m.Dispose();
        }

        return list;
    }

    public void Dispose() => broker.Dispose();
}
