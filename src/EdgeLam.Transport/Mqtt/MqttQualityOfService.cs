namespace EdgeLam.Transport.Mqtt;

/// <summary>The QoS levels EdgeLam uses (MQTT 5 §4.3). QoS 2 is not used.</summary>
public enum MqttQualityOfService
{
    /// <summary>Fire and forget.</summary>
    AtMostOnce = 0,

    /// <summary>Acknowledged by PUBACK; redelivered after a reconnect until acknowledged.</summary>
    AtLeastOnce = 1,
}
