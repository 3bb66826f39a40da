using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

/// <summary>Queue bounds, in-flight bound, drops and consumer faults, against the in-memory broker.</summary>
public sealed class MqttClientFlowControlTests
{
    private static MqttApplicationMessage Message(int i, MqttQualityOfService qos = MqttQualityOfService.AtLeastOnce) =>
        new("edgelam/v1/test/m", new byte[] { (byte)i }, qos);

    [Fact]
    public async Task TryPublish_QueueFullWhileDisconnected_AcceptsCapacityAndCountsDrops()
    {
        var broker = new InMemoryMqttBroker { IsOnline = false };
        await using var client = TestClients.InMemory(broker, "bp", o => o.OutgoingQueueCapacity = 4);
        client.Start();

        var accepted = Enumerable.Range(0, 10).Count(i => client.TryPublish(Message(i)));

        Assert.Equal(4, accepted);
        var stats = client.GetStatistics();
        Assert.Equal(6, stats.DroppedOutgoing);
        Assert.Equal(4, stats.Queued);
        Assert.Empty(broker.Published);

        broker.IsOnline = true;
        using var cts = new CancellationTokenSource(TestClients.Timeout);
        await client.FlushAsync(cts.Token);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, broker.Published.Select(p => p.Payload[0]).ToArray());
        Assert.Equal(4, client.GetStatistics().Acknowledged);
    }

    [Fact]
    public async Task PublishAsync_QueueFull_WaitsForCapacityInsteadOfDropping()
    {
        var broker = new InMemoryMqttBroker { IsOnline = false };
        await using var client = TestClients.InMemory(broker, "bp-async", o => o.OutgoingQueueCapacity = 2);
        client.Start();
        await client.PublishAsync(Message(0));
        await client.PublishAsync(Message(1));

        var third = client.PublishAsync(Message(2)).AsTask();
        Assert.False(third.IsCompleted);

        broker.IsOnline = true;
        await third.WaitAsync(TestClients.Timeout);
        using var cts = new CancellationTokenSource(TestClients.Timeout);
        await client.FlushAsync(cts.Token);
        Assert.Equal(new byte[] { 0, 1, 2 }, broker.Published.Select(p => p.Payload[0]).ToArray());
        Assert.Equal(0, client.GetStatistics().DroppedOutgoing);
    }

    [Fact]
    public async Task Publish_AcknowledgementsHeld_InFlightNeverExceedsBound()
    {
        var broker = new InMemoryMqttBroker { AutoAcknowledge = false };
        await using var client = TestClients.InMemory(broker, "inflight", o => o.MaxInflightMessages = 3);
        await client.ConnectAsync().WaitAsync(TestClients.Timeout);
        for (var i = 0; i < 10; i++)
        {
            await client.PublishAsync(Message(i));
        }

        TestClients.WaitUntil(() => broker.Published.Count >= 3);
        Assert.Equal(3, broker.Published.Count);
        Assert.Equal(3, client.GetStatistics().InFlight);

        broker.ReleaseAcknowledgements(2);
        TestClients.WaitUntil(() => broker.Published.Count >= 5);
        Assert.Equal(5, broker.Published.Count);
        Assert.Equal(3, broker.HeldAcknowledgements);

        broker.AutoAcknowledge = true;
        broker.ReleaseAcknowledgements();
        using var cts = new CancellationTokenSource(TestClients.Timeout);
        await client.FlushAsync(cts.Token);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), broker.Published.Select(p => p.Payload[0]));
        Assert.Equal(10, client.GetStatistics().Acknowledged);
    }

    [Fact]
    public async Task Publish_Qos0_DoesNotWaitForAcknowledgements()
    {
        var broker = new InMemoryMqttBroker { AutoAcknowledge = false };
        await using var client = TestClients.InMemory(broker, "qos0", o => o.MaxInflightMessages = 1);
        await client.ConnectAsync().WaitAsync(TestClients.Timeout);
        for (var i = 0; i < 5; i++)
        {
            await client.PublishAsync(Message(i, MqttQualityOfService.AtMostOnce));
        }

        TestClients.WaitUntil(() => broker.Published.Count >= 5);
        Assert.Equal(5, broker.Published.Count);
        Assert.Equal(0, client.GetStatistics().InFlight);
    }

    [Fact]
    public async Task Receive_IncomingQueueFull_DropsAndCounts()
    {
        var broker = new InMemoryMqttBroker();
        await using var subscriber = TestClients.InMemory(broker, "slow", o => o.IncomingQueueCapacity = 2);
        await using var publisher = TestClients.InMemory(broker, "fast");
        await subscriber.ConnectAsync().WaitAsync(TestClients.Timeout);
        await publisher.ConnectAsync().WaitAsync(TestClients.Timeout);
        await subscriber.SubscribeAsync("edgelam/v1/test/#").WaitAsync(TestClients.Timeout);

        for (var i = 0; i < 5; i++)
        {
            await publisher.PublishAsync(Message(i));
        }

        TestClients.WaitUntil(() => subscriber.GetStatistics().Received >= 5);
        var stats = subscriber.GetStatistics();
        Assert.Equal(5, stats.Received);
        Assert.Equal(3, stats.DroppedIncoming);
        var kept = await TestClients.ReadAsync(subscriber, 2);
        Assert.Equal(new byte[] { 0, 1 }, kept.Select(k => k.Payload[0]).ToArray());
    }

    [Fact]
    public async Task RunMessageHandler_HandlerThrows_CountsFaultAndKeepsConsuming()
    {
        var broker = new InMemoryMqttBroker();
        await using var subscriber = TestClients.InMemory(broker, "throwing");
        await using var publisher = TestClients.InMemory(broker, "pub");
        await subscriber.ConnectAsync().WaitAsync(TestClients.Timeout);
        await publisher.ConnectAsync().WaitAsync(TestClients.Timeout);
        await subscriber.SubscribeAsync("edgelam/v1/test/#").WaitAsync(TestClients.Timeout);

        var handled = new List<byte>();
        using var cts = new CancellationTokenSource(TestClients.Timeout);
        var run = subscriber.RunMessageHandlerAsync((m, _) =>
        {
            lock (handled)
            {
                handled.Add(m.Payload.Span[0]);
            }

            return m.Payload.Span[0] % 2 == 0 ? throw new InvalidOperationException("consumer bug") : ValueTask.CompletedTask;
        }, cts.Token);

        for (var i = 0; i < 6; i++)
        {
            await publisher.PublishAsync(Message(i));
        }

        TestClients.WaitUntil(() => { lock (handled) { return handled.Count == 6; } });
        await cts.CancelAsync();
        await run;
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, handled);
        Assert.Equal(3, subscriber.GetStatistics().ConsumerFaults);
    }

    [Fact]
    public async Task Reconnect_BrokerOfflineThenOnline_ResubscribesAndDeliversQueued()
    {
        var broker = new InMemoryMqttBroker();
        await using var subscriber = TestClients.InMemory(broker, "resub");
        await using var publisher = TestClients.InMemory(broker, "queued");
        await subscriber.ConnectAsync().WaitAsync(TestClients.Timeout);
        await publisher.ConnectAsync().WaitAsync(TestClients.Timeout);
        await subscriber.SubscribeAsync("edgelam/v1/test/#").WaitAsync(TestClients.Timeout);

        broker.IsOnline = false;
        TestClients.WaitUntil(() => !publisher.IsConnected && !subscriber.IsConnected);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(publisher.TryPublish(Message(i)));
        }

        broker.IsOnline = true;
        using var cts = new CancellationTokenSource(TestClients.Timeout);
        await publisher.FlushAsync(cts.Token);
        Assert.Equal(new byte[] { 0, 1, 2 }, broker.Published.Select(p => p.Payload[0]).ToArray());
        Assert.Equal(2, publisher.GetStatistics().Connections);

        // The subscription was renewed on the new connection (the in-memory broker keeps no session).
        TestClients.WaitUntil(() => subscriber.GetStatistics().Connections == 2);
        TestClients.WaitUntil(() => subscriber.IsConnected);
        await publisher.PublishAsync(Message(7));
        byte last;
        do
        {
            // Messages 0..2 may or may not reach the subscriber depending on who reconnected first.
            using var m = await TestClients.ReadAsync(subscriber);
            last = m.Payload.Span[0];
        }
        while (last != 7);
    }

    [Fact]
    public async Task Abort_WithLastWill_BrokerPublishesWill()
    {
        var broker = new InMemoryMqttBroker();
        await using var watcher = TestClients.InMemory(broker, "watch");
        await using var node = TestClients.InMemory(broker, "node", o => o.LastWill = new MqttLastWill
        {
            Topic = "edgelam/v1/test/nodes/n1/status",
            Payload = "offline"u8.ToArray(),
        });
        await watcher.ConnectAsync().WaitAsync(TestClients.Timeout);
        await node.ConnectAsync().WaitAsync(TestClients.Timeout);
        await watcher.SubscribeAsync("edgelam/v1/test/nodes/+/status").WaitAsync(TestClients.Timeout);

        node.Channel.Abort();

        using var will = await TestClients.ReadAsync(watcher);
        Assert.Equal("edgelam/v1/test/nodes/n1/status", will.Topic);
        Assert.Equal("offline"u8.ToArray(), will.Payload.ToArray());
    }

    [Fact]
    public async Task Publish_InvalidTopic_ThrowsBeforeQueueing()
    {
        var broker = new InMemoryMqttBroker();
        await using var client = TestClients.InMemory(broker, "bad");
        Assert.Throws<ArgumentException>(() => client.TryPublish(new MqttApplicationMessage("a/+/b", new byte[1])));
        await Assert.ThrowsAsync<ArgumentException>(() => client.PublishAsync(new MqttApplicationMessage(string.Empty, new byte[1])).AsTask());
        Assert.Equal(0, client.GetStatistics().Queued);
    }
}
