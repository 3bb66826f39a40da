namespace EdgeLam.Transport.Mqtt;

/// <summary>An MQTT 5 user property (name/value pair; order and duplicates are preserved on the wire).</summary>
public readonly record struct MqttUserProperty(string Name, string Value);
