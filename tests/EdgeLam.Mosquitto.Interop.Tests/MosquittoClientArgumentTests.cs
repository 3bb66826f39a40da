using EdgeLam.Mosquitto.Interop;
using EdgeLam.Testing;

namespace EdgeLam.Mosquitto.Interop.Tests;

/// <summary>Bad arguments reach libmosquitto and come back as managed exceptions, never a crash.</summary>
public sealed class MosquittoClientArgumentTests : IDisposable
{
    private readonly MosquittoBroker broker = new();
    private readonly RecordingCallbacks callbacks = new();
    private readonly MosquittoClient client;
    private readonly LoopThread loop;

    public MosquittoClientArgumentTests()
    {
        client = new MosquittoClient("args-" + Guid.NewGuid().ToString("N")[..8], cleanStart: true, callbacks);
        client.Connect(broker.Host, broker.Port, 10);
        loop = new LoopThread(client);
        Assert.True(callbacks.Connected.Wait(TimeSpan.FromSeconds(10)), broker.Log);
    }

    [Fact]
    public void Library_Version_Is2()
    {
        Assert.Equal(2, MosquittoLibrary.Version.Major);
    }

    [Fact]
    public void Publish_NullTopic_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => client.Publish(null!, [1], 1, false));
    }

    [Fact]
    public void Publish_EmptyTopic_ThrowsInval()
    {
        var ex = Assert.Throws<MosquittoException>(() => client.Publish(string.Empty, [1], 1, false));
        Assert.Equal(MosquittoError.Inval, ex.Error);
        Assert.Contains("mosquitto_publish_v5", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/+/c")]
    [InlineData("a/#")]
    [InlineData("#")]
    public void Publish_WildcardTopic_ThrowsInval(string topic)
    {
        var ex = Assert.Throws<MosquittoException>(() => client.Publish(topic, [1], 0, false));
        Assert.Equal(MosquittoError.Inval, ex.Error);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Publish_InvalidQos_ThrowsInval(int qos)
    {
        var ex = Assert.Throws<MosquittoException>(() => client.Publish("edgelam/test", [1], qos, false));
        Assert.Equal(MosquittoError.Inval, ex.Error);
    }

    [Fact]
    public void Publish_PayloadOverMqttMaximum_ThrowsPayloadSize()
    {
        // MQTT 3.1.1 §2.2.3 / MQTT 5 §1.5.5: remaining length ≤ 268,435,455, so a 256 MiB payload cannot be sent.
        var payload = GC.AllocateUninitializedArray<byte>(256 * 1024 * 1024);
        var ex = Assert.Throws<MosquittoException>(() => client.Publish("edgelam/test", payload, 0, false));
        Assert.Equal(MosquittoError.PayloadSize, ex.Error);
    }

    [Fact]
    public void Subscribe_InvalidFilter_ThrowsInval()
    {
        var ex = Assert.Throws<MosquittoException>(() => client.Subscribe("a/#/b", 1));
        Assert.Equal(MosquittoError.Inval, ex.Error);
    }

    [Fact]
    public void Properties_CorrelationDataOver65535Bytes_ThrowsArgumentOutOfRange()
    {
        using var props = new MosquittoPropertyList();
        Assert.Throws<ArgumentOutOfRangeException>(() => props.AddBinary(MqttPropertyId.CorrelationData, new byte[65536]));
    }

    [Fact]
    public void Properties_SessionExpiryOnPublish_ThrowsProtocol()
    {
        // Session expiry interval is a CONNECT/CONNACK/DISCONNECT property (MQTT 5 §3.1.2.11.2), not PUBLISH.
        using var props = new MosquittoPropertyList();
        props.AddInt32(MqttPropertyId.SessionExpiryInterval, 60);
        var ex = Assert.Throws<MosquittoException>(() => client.Publish("edgelam/test", [1], 1, false, props));
        Assert.Equal(MosquittoError.Protocol, ex.Error);
    }

    [Fact]
    public void Client_UseAfterDispose_ThrowsObjectDisposed()
    {
        var other = new MosquittoClient(null, cleanStart: true, new RecordingCallbacks());
        other.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.Publish("edgelam/test", [1], 0, false));
        Assert.Throws<ObjectDisposedException>(() => other.Subscribe("edgelam/#", 0));
        Assert.Throws<ObjectDisposedException>(() => other.Loop(0));
    }

    [Fact]
    public void Properties_UseAfterDispose_ThrowsObjectDisposed()
    {
        var props = new MosquittoPropertyList();
        props.Dispose();
        Assert.Throws<ObjectDisposedException>(() => props.AddString(MqttPropertyId.ContentType, "x"));
    }

    [Fact]
    public void Connect_ClosedPort_ThrowsErrnoWithSystemMessage()
    {
        using var other = new MosquittoClient(null, cleanStart: true, new RecordingCallbacks());
        var ex = Assert.Throws<MosquittoException>(() => other.Connect("127.0.0.1", MosquittoBroker.FreeTcpPort(), 10));
        Assert.Equal(MosquittoError.Errno, ex.Error);
        Assert.Contains("refused", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Constructor_PersistentSessionWithoutId_ThrowsArgument()
    {
        Assert.Throws<ArgumentException>(() => new MosquittoClient(null, cleanStart: false, new RecordingCallbacks()));
    }

    [Fact]
    public void Publish_NotConnectedQos0_ThrowsNoConn()
    {
        using var other = new MosquittoClient(null, cleanStart: true, new RecordingCallbacks());
        var ex = Assert.Throws<MosquittoException>(() => other.Publish("edgelam/test", [1], 0, false));
        Assert.Equal(MosquittoError.NoConn, ex.Error);
    }

    [Fact]
    public void Status_Describe_UsesLibraryText()
    {
        var ex = MosquittoStatus.Create((int)MosquittoError.NoConn, "op");
        Assert.Contains("op", ex.Message, StringComparison.Ordinal);
        Assert.Equal(MosquittoError.NoConn, ex.Error);
        Assert.NotEqual(MosquittoStatus.Describe(1), MosquittoStatus.Describe(4));
    }

    public void Dispose()
    {
        loop.Dispose();
        client.Dispose();
        broker.Dispose();
    }
}
