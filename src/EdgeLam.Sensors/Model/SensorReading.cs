namespace EdgeLam.Sensors.Model;

/// <summary>
/// A single pushed reading (replay files, other devices over MQTT): timestamp in nanoseconds since the Unix epoch,
/// channel name, value and unit.
/// </summary>
public readonly record struct SensorReading(long TimestampNs, string Channel, double Value, string Unit);

/// <summary>Receives pushed readings (replay, MQTT) on the producer's thread.</summary>
public interface IReadingSink
{
    void OnReading(in SensorReading reading);
}
