using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Scheduling;

/// <summary>Receives each reading of a scheduled source on the scheduler thread (copy what must outlive the call).</summary>
public interface ISampleSink
{
    void OnSamples(int sourceIndex, ReadOnlySpan<SensorSample> samples);
}
