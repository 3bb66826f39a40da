namespace EdgeLam.Sensors.Mqtt;

/// <summary>
/// The seam between the MQTT client (branch <c>mqtt</c>) and the sensor stack: the client hands every message received on
/// a reading topic to <see cref="OnMessage"/> (on its own thread; the call must not block and must not throw).
/// </summary>
public interface IMqttReadingSink
{
    /// <summary>Returns false when the payload was rejected (malformed or for no known channel).</summary>
    bool OnMessage(string topic, ReadOnlySpan<byte> payload);
}
