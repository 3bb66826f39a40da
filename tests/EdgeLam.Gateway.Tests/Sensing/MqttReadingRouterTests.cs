using System.Globalization;
using System.Text;
using EdgeLam.Gateway.Sensing;
using EdgeLam.Sensors.Composition;
using EdgeLam.Sensors.Configuration;
using EdgeLam.Testing;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Tests.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests.Sensing;

/// <summary>Readings other devices publish on MQTT reach the sensor runtime's <c>mqtt</c> device and become windows.</summary>
public sealed class MqttReadingRouterTests : IDisposable
{
    private readonly MosquittoBroker _broker = new();

    private static SensorsOptions RemoteDevice() => new()
    {
        Devices = { ["remote"] = new DeviceOptions { Driver = "mqtt", Channels = ["t"], Units = ["C"] } },
        Streams = { ["remote"] = new StreamOptions { Device = "remote", WindowLength = 4, Hop = 4 } },
    };

    private static byte[] Reading(double ts, double value) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"ts\":{ts},\"channel\":\"t\",\"value\":{value},\"unit\":\"C\"}}"));

    [Fact]
    public async Task Router_ReadingsOverMosquitto_WindowOfThePublishedValuesGarbageCounted()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var sensors = SensorRuntime.Create(RemoteDevice());
        var site = "r" + Guid.NewGuid().ToString("N")[..8];
        var router = new MqttReadingRouter(new TopicScheme(site), sensors.MqttSinks);
        await using var subscriber = MqttClient.Create(TestClients.Options("router", _broker.Port));
        await subscriber.ConnectAsync(cts.Token);
        await subscriber.SubscribeAsync(router.Filter, MqttQualityOfService.AtLeastOnce, cts.Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var routing = router.RunAsync(subscriber, stop.Token);
        await using var device = MqttClient.Create(TestClients.Options("device", _broker.Port));
        await device.ConnectAsync(cts.Token);
        double[] values = [21.5, 21.75, 22.0, 22.25];

        await device.PublishAsync(new MqttApplicationMessage(router.Topic("elsewhere"), Reading(1732270000, 1)), cts.Token);
        await device.PublishAsync(new MqttApplicationMessage(router.Topic("remote"), "{\"ts\":"u8.ToArray()), cts.Token);
        for (var i = 0; i < values.Length; i++)
        {
            await device.PublishAsync(new MqttApplicationMessage(router.Topic("remote"), Reading(1732270000 + (i * 0.5), values[i])), cts.Token);
        }

        await device.FlushAsync(cts.Token);
        SpinWait.SpinUntil(() => router.Routed + router.Rejected >= values.Length + 2, TimeSpan.FromSeconds(15));
        sensors.RunVirtual(1);

        Assert.Equal(values.Length, router.Routed);
        Assert.Equal(2, router.Rejected);
        Assert.True(sensors.Windows.TryRead(out var window));
        Assert.Equal(values, window.Values);
        Assert.Equal(1_732_270_000L * 1_000_000_000, window.StartNs);
        Assert.Equal(1_500_000_000L, window.EndNs - window.StartNs);
        await stop.CancelAsync();
        await routing;
    }

    [Fact]
    public void Route_NumberOnChannelTopic_WindowOfTheValuesAtTheirArrivalTimesGarbageCounted()
    {
        using var sensors = SensorRuntime.Create(RemoteDevice());
        var router = new MqttReadingRouter(new TopicScheme("s"), sensors.MqttSinks);
        const long Arrival = 1_732_270_000_000_000_000;
        double[] values = [21.5, 21.75, 22.0, 22.25];

        Assert.False(router.Route(router.Topic("remote", "humidity"), "50"u8, Arrival));
        Assert.False(router.Route(router.Topic("remote", "t") + "/deeper", "1"u8, Arrival));
        Assert.False(router.Route(router.Topic("remote", "t"), "hot"u8, Arrival));
        Assert.False(router.Route(router.Topic("remote") + "/", "1"u8, Arrival));
        Assert.False(router.Route(router.Topic(string.Empty), "1"u8, Arrival));
        Assert.False(router.Route(router.Topic("remote"), "{\"ts\":1,\"channel\":\"t\",\"value\":99,\"unit\":\"F\"}"u8, Arrival));
        for (var i = 0; i < values.Length; i++)
        {
            var text = Encoding.UTF8.GetBytes(values[i].ToString(CultureInfo.InvariantCulture));
            Assert.True(router.Route(router.Topic("remote", "t"), text, Arrival + (i * 250_000_000L)));
        }

        sensors.RunVirtual(1);

        Assert.Equal(values.Length, router.Routed);
        Assert.Equal(6, router.Rejected);
        Assert.True(sensors.Windows.TryRead(out var window));
        Assert.Equal(values, window.Values);
        Assert.Equal(Arrival, window.StartNs);
        Assert.Equal(750_000_000L, window.EndNs - window.StartNs);
        Assert.False(sensors.Windows.TryRead(out _));
    }

    [Fact]
    public void Route_JsonWithoutTs_WindowOfTheValuesAtTheirArrivalTimes()
    {
        using var sensors = SensorRuntime.Create(RemoteDevice());
        var router = new MqttReadingRouter(new TopicScheme("s"), sensors.MqttSinks);
        const long Arrival = 1_732_270_000_000_000_000;
        double[] values = [21.5, 21.75, 22.0, 22.25];

        for (var i = 0; i < values.Length; i++)
        {
            var json = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"channel\":\"t\",\"value\":{values[i]}}}"));
            Assert.True(router.Route(router.Topic("remote"), json, Arrival + (i * 100_000_000L)));
        }

        sensors.RunVirtual(1);

        Assert.Equal(0, router.Rejected);
        Assert.True(sensors.Windows.TryRead(out var window));
        Assert.Equal(values, window.Values);
        Assert.Equal(Arrival, window.StartNs);
        Assert.Equal(300_000_000L, window.EndNs - window.StartNs);
    }

    [Fact]
    public void ReadingsClient_NodeConnection_OwnIdCleanSessionNoWill()
    {
        var node = new MqttClientOptions
        {
            Host = "broker.lan",
            Port = 8883,
            ClientId = new string('n', 60),
            Username = "gw",
            Password = "secret",
            Tls = new MqttTlsOptions { CaDirectory = Path.GetTempPath() },
            LastWill = new MqttLastWill { Topic = "t", Payload = new byte[] { 1 } },
            ReconnectDelayMax = TimeSpan.FromSeconds(3),
        };

        var readings = EdgeLam.Gateway.Hosting.SensingService.ReadingsClient(node);

        Assert.Equal(("broker.lan", 8883, "gw", "secret"), (readings.Host, readings.Port, readings.Username, readings.Password));
        Assert.Same(node.Tls, readings.Tls);
        Assert.Equal(TimeSpan.FromSeconds(3), readings.ReconnectDelayMax);
        Assert.Equal(new string('n', 55) + "-readings", readings.ClientId);
        Assert.True(readings.CleanStart);
        Assert.Equal(TimeSpan.Zero, readings.SessionExpiry);
        Assert.Null(readings.LastWill);
        Assert.Empty(readings.Validate());
    }

    public void Dispose() => _broker.Dispose();
}
