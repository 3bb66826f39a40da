namespace EdgeLam.Transport.Mqtt;

/// <summary>A message to publish. The payload is copied into a pooled buffer when queued.</summary>
public readonly record struct MqttApplicationMessage(
    string Topic,
    ReadOnlyMemory<byte> Payload,
    MqttQualityOfService QualityOfService = MqttQualityOfService.AtLeastOnce,
    bool Retain = false)
{
    /// <summary>MQTT 5 properties (default: none).</summary>
    public MqttMessageProperties Properties { get; init; }
}
