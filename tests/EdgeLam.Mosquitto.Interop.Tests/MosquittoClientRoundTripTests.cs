using System.Text;
using EdgeLam.Mosquitto.Interop;
using EdgeLam.Testing;

namespace EdgeLam.Mosquitto.Interop.Tests;

public sealed class MosquittoClientRoundTripTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly MosquittoBroker broker = new();

    [Fact]
    public void PublishV5_PropertiesAndPayload_ArriveUnchanged()
    {
        var sub = new RecordingCallbacks();
        var pub = new RecordingCallbacks();
        using var subscriber = new MosquittoClient("rt-sub", cleanStart: true, sub);
        using var publisher = new MosquittoClient("rt-pub", cleanStart: true, pub);
        subscriber.Connect(broker.Host, broker.Port, 10);
        publisher.Connect(broker.Host, broker.Port, 10);
        using (new LoopThread(subscriber))
        using (new LoopThread(publisher))
        {
            Assert.True(sub.Connected.Wait(Wait));
            Assert.True(pub.Connected.Wait(Wait));
            subscriber.Subscribe("edgelam/rt/#", 1);
            Assert.True(sub.Subscribed.Wait(Wait));

            // Expiry first: the list head is created by an integer property (regression: the head was lost).
            using var props = new MosquittoPropertyList();
            props.AddInt32(MqttPropertyId.MessageExpiryInterval, 3600);
            props.AddString(MqttPropertyId.ContentType, "application/x-test");
            props.AddBinary(MqttPropertyId.CorrelationData, [9, 8, 7]);
            props.AddStringPair(MqttPropertyId.UserProperty, "k1", "v1");
            props.AddStringPair(MqttPropertyId.UserProperty, "k2", "v2");
            var payload = Encoding.UTF8.GetBytes("héllo");
            var mid = publisher.Publish("edgelam/rt/x", payload, 1, false, props);

            Assert.True(sub.MessageArrived.Wait(Wait));
            Assert.True(sub.Messages.TryDequeue(out var m));
            Assert.Equal("edgelam/rt/x", m.Topic);
            Assert.Equal(payload, m.Payload);
            Assert.Equal(1, m.Qos);
            Assert.Equal("application/x-test", m.ContentType);
            Assert.Equal(new byte[] { 9, 8, 7 }, m.Correlation);
            Assert.NotNull(m.Expiry);
            Assert.InRange(m.Expiry!.Value, 3590u, 3600u);
            Assert.Equal([new("k1", "v1"), new("k2", "v2")], m.User);
            SpinWait.SpinUntil(() => pub.Published.Contains(mid), Wait);
            Assert.Contains(mid, pub.Published);
        }
    }

    [Fact]
    public void OnMessage_CallbackThrows_CountedReportedAndLoopKeepsRunning()
    {
        var sub = new RecordingCallbacks { ThrowOnMessage = true, ThrowOnFaultReport = true };
        var pub = new RecordingCallbacks();
        using var subscriber = new MosquittoClient("throw-sub", cleanStart: true, sub);
        using var publisher = new MosquittoClient("throw-pub", cleanStart: true, pub);
        subscriber.Connect(broker.Host, broker.Port, 10);
        publisher.Connect(broker.Host, broker.Port, 10);
        using (new LoopThread(subscriber))
        using (new LoopThread(publisher))
        {
            Assert.True(sub.Connected.Wait(Wait));
            Assert.True(pub.Connected.Wait(Wait));
            subscriber.Subscribe("edgelam/throw", 1);
            Assert.True(sub.Subscribed.Wait(Wait));

            for (var i = 0; i < 3; i++)
            {
                publisher.Publish("edgelam/throw", [(byte)i], 1, false);
            }

            for (var i = 0; i < 3; i++)
            {
                Assert.True(sub.MessageArrived.Wait(Wait));
            }

            SpinWait.SpinUntil(() => subscriber.CallbackFaults == 3, Wait);
            Assert.Equal(3, subscriber.CallbackFaults);
            Assert.Equal(3, sub.Faults.Count);
            Assert.All(sub.Faults, f => Assert.IsType<InvalidOperationException>(f));
            Assert.Equal(new byte[] { 0, 1, 2 }, sub.Messages.Select(m => m.Payload[0]).ToArray());
        }
    }

    public void Dispose() => broker.Dispose();
}
