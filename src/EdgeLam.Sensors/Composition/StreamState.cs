using EdgeLam.Sensors.Configuration;
using EdgeLam.Sensors.Windows;

namespace EdgeLam.Sensors.Composition;

/// <summary>A configured stream at run time: its windower, its reusable window buffer and the device channels it takes.</summary>
public sealed class StreamState
{
    internal StreamState(string name, int index, StreamOptions options, StreamWindower windower, int[] deviceChannels)
    {
        Name = name;
        Index = index;
        Options = options;
        Windower = windower;
        DeviceChannels = deviceChannels;
        Buffer = new SensorWindow(name, windower.Channels, windower.Length);
    }

    public string Name { get; }

    /// <summary>Position in the configuration (selects the stream's separator token).</summary>
    public int Index { get; }

    public StreamOptions Options { get; }

    public StreamWindower Windower { get; }

    /// <summary>For each stream channel, the index of the device channel it takes.</summary>
    public int[] DeviceChannels { get; }

    internal SensorWindow Buffer { get; }
}
