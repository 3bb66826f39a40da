using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Simulation;

namespace EdgeLam.Sensors.Composition;

/// <summary>A simulated GPIO input: a seeded square wave as the level and the number of level changes since the last sample.</summary>
internal sealed class SimulatedGpioLine : ISensorSource
{
    private readonly SignalGenerator _level;
    private double _previous = double.NaN;

    public SimulatedGpioLine(string name, IReadOnlyList<SensorChannel> channels, double rateHz, SignalOptions level, int seed)
    {
        Name = name;
        Channels = channels;
        _level = new SignalGenerator(level, rateHz, seed);
    }

    public string Name { get; }

    public IReadOnlyList<SensorChannel> Channels { get; }

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        var v = _level.Next() >= 0.5 ? 1.0 : 0.0;
        var edges = double.IsNaN(_previous) || _previous == v ? 0 : 1;
        _previous = v;
        samples[0] = new SensorSample(timestampNs, v, SampleQuality.Good);
        samples[1] = new SensorSample(timestampNs, edges, SampleQuality.Good);
    }

    public void Dispose()
    {
    }
}
