namespace EdgeLam.Transport.Mqtt;

/// <summary>A snapshot of <see cref="MqttClient"/>'s counters. Nothing is dropped without being counted here.</summary>
public readonly record struct MqttClientStatistics
{
    /// <summary>Messages handed to the connection.</summary>
    public long Sent { get; init; }

    /// <summary>QoS 1 messages acknowledged by the broker.</summary>
    public long Acknowledged { get; init; }

    /// <summary>QoS 1 messages sent and not yet acknowledged.</summary>
    public int InFlight { get; init; }

    /// <summary>Messages waiting in the outgoing queue.</summary>
    public int Queued { get; init; }

    /// <summary><see cref="MqttClient.TryPublish"/> found the outgoing queue full.</summary>
    public long DroppedOutgoing { get; init; }

    /// <summary>The library rejected a queued message, or the broker refused a QoS 1 one (PUBACK reason ≥ 0x80).</summary>
    public long RejectedOutgoing { get; init; }

    public long Received { get; init; }

    /// <summary>Received messages dropped because the incoming queue was full.</summary>
    public long DroppedIncoming { get; init; }

    /// <summary>Consumer handler invocations that threw.</summary>
    public long ConsumerFaults { get; init; }

    /// <summary>Channel/library callbacks that threw (caught before reaching native code).</summary>
    public long CallbackFaults { get; init; }

    /// <summary>Accepted CONNACKs (1 after the first connection).</summary>
    public long Connections { get; init; }

    public bool IsConnected { get; init; }
}
