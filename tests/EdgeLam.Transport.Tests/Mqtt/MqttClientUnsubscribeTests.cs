using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Transport.Tests.Mqtt;

public sealed class MqttClientUnsubscribeTests
{
    [Fact]
    public async Task Unsubscribe_OneOfTwoFilters_OnlyTheOtherStillDelivers()
    {
        var broker = new InMemoryMqttBroker();
        await using var subscriber = TestClients.InMemory(broker, "sub");
        await using var publisher = TestClients.InMemory(broker, "pub");
        await subscriber.ConnectAsync().WaitAsync(TestClients.Timeout);
        await publisher.ConnectAsync().WaitAsync(TestClients.Timeout);
        await subscriber.SubscribeAsync("s/a").WaitAsync(TestClients.Timeout);
        await subscriber.SubscribeAsync("s/b").WaitAsync(TestClients.Timeout);

        subscriber.Unsubscribe("s/a");
        await publisher.PublishAsync(new MqttApplicationMessage("s/a", new byte[] { 1 }));
        await publisher.PublishAsync(new MqttApplicationMessage("s/b", new byte[] { 2 }));
        using var flush = new CancellationTokenSource(TestClients.Timeout);
        await publisher.FlushAsync(flush.Token);

        var received = await TestClients.ReadAsync(subscriber, 1);
        Assert.Equal("s/b", received[0].Topic);
        Assert.Equal(new byte[] { 2 }, received[0].Payload);
        Assert.False(subscriber.Messages.TryRead(out _));
    }
}
