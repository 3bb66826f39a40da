namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// The connection to a broker under <see cref="MqttClient"/> (MQTTnet's channel idea one level up: packets in and
/// out, no policy). <see cref="MosquittoMqttChannel"/> speaks to a real broker through libmosquitto; the tests'
/// <c>InMemoryMqttChannel</c> (tests/Shared/Mqtt) to an in-process broker.
/// Threading: <see cref="Connect"/>, <see cref="Pump"/> and <see cref="Disconnect"/> run on the client's network
/// thread; <see cref="Publish"/> and <see cref="Subscribe"/> may run on any thread. Handler calls arrive on the
/// network thread (inside <see cref="Pump"/>).
/// </summary>
public interface IMqttChannel : IDisposable
{
    /// <summary>Attaches the receiver of connection events (once, before <see cref="Connect"/>).</summary>
    void Attach(IMqttChannelHandler handler);

    /// <summary>Opens the connection and sends CONNECT; the CONNACK arrives later via <see cref="IMqttChannelHandler.OnConnected"/>.</summary>
    /// <exception cref="MqttChannelException">The connection could not be opened.</exception>
    void Connect();

    /// <summary>Runs network I/O for up to <paramref name="timeout"/>; false when the connection is gone.</summary>
    bool Pump(TimeSpan timeout);

    /// <summary>Hands a PUBLISH to the connection (copying the payload); returns false when not connected.</summary>
    /// <exception cref="MqttChannelException">The broker or library rejected the message.</exception>
    bool Publish(in MqttApplicationMessage message, out int messageId);

    /// <summary>Sends SUBSCRIBE; returns the packet id reported by <see cref="IMqttChannelHandler.OnSubscribed"/>.</summary>
    int Subscribe(string filter, MqttQualityOfService qualityOfService);

    /// <summary>Sends UNSUBSCRIBE for <paramref name="filter"/> (no acknowledgement is awaited).</summary>
    /// <exception cref="MqttChannelException">The library rejected the request.</exception>
    void Unsubscribe(string filter);

    /// <summary>Sends DISCONNECT (the will is discarded).</summary>
    void Disconnect();

    /// <summary>Drops the connection without DISCONNECT, as a crash would (the broker publishes the will).</summary>
    void Abort();
}

/// <summary>Receives a channel's events on the network thread. Must not block.</summary>
public interface IMqttChannelHandler
{
    /// <summary>CONNACK: <paramref name="reasonCode"/> 0 = accepted.</summary>
    void OnConnected(int reasonCode, bool sessionPresent);

    void OnDisconnected(int reasonCode);

    /// <summary>A publish completed (QoS 0 written, QoS 1 acknowledged).</summary>
    void OnPublished(int messageId, int reasonCode);

    /// <summary>A message arrived; the handler takes ownership (and disposes it).</summary>
    void OnMessage(MqttReceivedMessage message);

    void OnSubscribed(int messageId, ReadOnlySpan<int> grantedQos);

    void OnLog(int level, string message);

    /// <summary>A callback failed inside the channel; it was caught and counted.</summary>
    void OnFault(Exception exception);
}

/// <summary>The channel could not do what was asked (connection refused, rejected packet).</summary>
public sealed class MqttChannelException : Exception
{
    public MqttChannelException()
    {
    }

    public MqttChannelException(string message)
        : base(message)
    {
    }

    public MqttChannelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
