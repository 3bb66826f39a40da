using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Simulation;

/// <summary>A source whose channels are seeded <see cref="SignalGenerator"/>s (the sim board's generic sensors).</summary>
public sealed class SignalSource : ISensorSource
{
    private readonly SignalGenerator[] _generators;
    private readonly SensorChannel[] _channels;

    public SignalSource(string name, IReadOnlyList<SensorChannel> channels, IReadOnlyList<SignalOptions> signals, double sampleRateHz, int seed)
    {
        if (channels.Count != signals.Count || channels.Count == 0)
        {
            throw new ArgumentException("one signal per channel, at least one channel");
        }

        Name = name;
        _channels = [.. channels];
        _generators = new SignalGenerator[channels.Count];
        for (var i = 0; i < _generators.Length; i++)
        {
            _generators[i] = new SignalGenerator(signals[i], sampleRateHz, unchecked((seed * 31) + i));
        }
    }

    public string Name { get; }

    public IReadOnlyList<SensorChannel> Channels => _channels;

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        for (var i = 0; i < _generators.Length; i++)
        {
            samples[i] = new SensorSample(timestampNs, _generators[i].Next(), SampleQuality.Good);
        }
    }

    public void Dispose()
    {
    }
}
