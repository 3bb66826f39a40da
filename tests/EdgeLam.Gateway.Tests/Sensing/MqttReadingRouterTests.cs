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

    public void Dispose() => _broker.Dispose();
}
