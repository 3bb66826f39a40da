namespace EdgeLam.Transport.Mqtt;

/// <summary>The MQTT 5 PUBLISH properties EdgeLam uses (MQTT 5 §3.3.2.3).</summary>
public readonly record struct MqttMessageProperties
{
    /// <summary>Seconds after which the broker discards the message if undelivered (null: never).</summary>
    public uint? MessageExpiryInterval { get; init; }

    /// <summary>MIME-like description of the payload, e.g. <c>application/json</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Where a request's answer should be published.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>Opaque bytes echoed in the answer to match it with its request (≤ 65535 bytes).</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; init; }

    /// <summary>Application name/value pairs.</summary>
    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }

    /// <summary>True when no property is set (nothing goes on the wire).</summary>
    public bool IsEmpty =>
        MessageExpiryInterval is null && ContentType is null && ResponseTopic is null && CorrelationData.IsEmpty &&
        (UserProperties is null || UserProperties.Count == 0);
}
