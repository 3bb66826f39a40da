namespace EdgeLam.Transport.Mqtt;

/// <summary>The message the broker publishes when this client vanishes without DISCONNECT (MQTT 5 §3.1.2.5).</summary>
public sealed class MqttLastWill
{
    public string Topic { get; set; } = string.Empty;

    public ReadOnlyMemory<byte> Payload { get; set; }

    public MqttQualityOfService QualityOfService { get; set; } = MqttQualityOfService.AtLeastOnce;

    public bool Retain { get; set; } = true;

    public string? ContentType { get; set; }
}
