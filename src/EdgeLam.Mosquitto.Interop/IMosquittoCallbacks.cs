namespace EdgeLam.Mosquitto.Interop;

/// <summary>
/// Receives libmosquitto's callbacks on libmosquitto's network thread. Implementations must return quickly and must
/// not block on managed consumers. An exception thrown here never reaches native code: it is caught, counted in
/// <see cref="MosquittoClient.CallbackFaults"/> and handed to <see cref="OnCallbackFault"/>.
/// </summary>
public interface IMosquittoCallbacks
{
    /// <summary>CONNACK received (<paramref name="reasonCode"/> 0 = accepted); <paramref name="flags"/> bit 0 = session present.</summary>
    void OnConnect(int reasonCode, int flags, MosquittoPropertyView properties);

    /// <summary>The connection ended (0 = requested by this client).</summary>
    void OnDisconnect(int reasonCode, MosquittoPropertyView properties);

    /// <summary>A publish completed: QoS 0 written to the socket, QoS 1 acknowledged by PUBACK.</summary>
    void OnPublish(int messageId, int reasonCode);

    /// <summary>A message arrived; <paramref name="message"/> points into libmosquitto's memory and is valid only during the call.</summary>
    void OnMessage(in MosquittoMessage message, MosquittoPropertyView properties);

    /// <summary>SUBACK received with the granted QoS (or reason code ≥ 0x80) per filter.</summary>
    void OnSubscribe(int messageId, ReadOnlySpan<int> grantedQos);

    /// <summary>libmosquitto's own log line.</summary>
    void OnLog(MosquittoLogLevel level, ReadOnlySpan<byte> messageUtf8);

    /// <summary>One of the callbacks above threw; called on the same thread, its own exceptions are swallowed.</summary>
    void OnCallbackFault(Exception exception);
}

/// <summary>A received message borrowed from libmosquitto for the duration of <see cref="IMosquittoCallbacks.OnMessage"/>.</summary>
public readonly ref struct MosquittoMessage
{
    public MosquittoMessage(int messageId, ReadOnlySpan<byte> topicUtf8, ReadOnlySpan<byte> payload, int qos, bool retain)
    {
        MessageId = messageId;
        TopicUtf8 = topicUtf8;
        Payload = payload;
        Qos = qos;
        Retain = retain;
    }

    public int MessageId { get; }

    public ReadOnlySpan<byte> TopicUtf8 { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public int Qos { get; }

    public bool Retain { get; }
}
