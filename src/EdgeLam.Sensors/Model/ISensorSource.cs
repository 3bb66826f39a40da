namespace EdgeLam.Sensors.Model;

/// <summary>
/// A polled source: each call reads one value per channel. Drivers, IIO devices, GPIO lines and simulators implement it;
/// the <see cref="Scheduling.SamplingScheduler"/> calls it at the configured rate from one thread.
/// </summary>
public interface ISensorSource : IDisposable
{
    string Name { get; }

    IReadOnlyList<SensorChannel> Channels { get; }

    /// <summary>
    /// Reads every channel into <paramref name="samples"/> (length = channel count) stamped <paramref name="timestampNs"/>.
    /// Throws <see cref="SensorException"/> when the device fails; never allocates on success.
    /// </summary>
    void Read(long timestampNs, Span<SensorSample> samples);
}
