namespace EdgeLam.Mosquitto.Interop;

/// <summary><c>enum mosq_opt_t</c> from mosquitto.h (the integer options this binding sets).</summary>
public enum MosquittoOption
{
    ProtocolVersion = 1,
    ReceiveMaximum = 4,
    SendMaximum = 5,
    TlsOcspRequired = 9,
    TcpNoDelay = 11,
}

/// <summary><c>MQTT_PROTOCOL_*</c> values for <see cref="MosquittoOption.ProtocolVersion"/>.</summary>
public enum MqttProtocolVersion
{
    V31 = 3,
    V311 = 4,
    V5 = 5,
}

/// <summary><c>MOSQ_LOG_*</c> levels passed to the log callback.</summary>
[Flags]
public enum MosquittoLogLevel
{
    None = 0,
    Info = 1 << 0,
    Notice = 1 << 1,
    Warning = 1 << 2,
    Error = 1 << 3,
    Debug = 1 << 4,
}

/// <summary><c>enum mqtt5_sub_options</c> from mqtt_protocol.h.</summary>
[Flags]
public enum MqttSubscribeOptions
{
    None = 0,
    NoLocal = 0x04,
    RetainAsPublished = 0x08,
    SendRetainNew = 0x10,
    SendRetainNever = 0x20,
}
