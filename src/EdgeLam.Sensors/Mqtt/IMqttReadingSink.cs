using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Mqtt;

/// <summary>
/// The seam between the MQTT client and the sensor stack: the gateway's <c>MqttReadingRouter</c> hands every message
/// received on a device's reading topic to that device's sink (on the client's consumer thread; the calls must not
/// block and must not throw). A rejected reading returns false with the reason.
/// </summary>
public interface IMqttReadingSink
{
    /// <summary>
    /// A JSON reading published on <c>readings/{device}</c> and received at <paramref name="receivedNs"/> (Unix-epoch
    /// ns, the reading's time when it has no <c>ts</c>; see <see cref="MqttReadingParser"/>).
    /// </summary>
    bool TryAccept(ReadOnlySpan<byte> json, long receivedNs, out string? error);

    /// <summary>A reading parsed elsewhere (a bare number on <c>readings/{device}/{channel}</c>, stamped on arrival).</summary>
    bool TryAccept(in SensorReading reading, out string? error);
}
