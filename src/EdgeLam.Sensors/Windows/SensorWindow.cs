using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Windows;

/// <summary>
/// A window of one stream: <see cref="Channels"/> × <see cref="Length"/> values, channel-major (value of channel c at
/// step t is <c>Values[c * Length + t]</c>), their quality flags, and the time range covered. Windowers fill a
/// preallocated instance; <see cref="Clone"/> hands a copy to another thread.
/// </summary>
public sealed class SensorWindow
{
    public SensorWindow(string stream, IReadOnlyList<SensorChannel> channels, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Stream = stream;
        ChannelInfo = channels;
        Length = length;
        Values = new double[channels.Count * length];
        Quality = new SampleQuality[channels.Count * length];
    }

    public string Stream { get; }

    public IReadOnlyList<SensorChannel> ChannelInfo { get; }

    public int Channels => ChannelInfo.Count;

    public int Length { get; }

    public double[] Values { get; }

    public SampleQuality[] Quality { get; }

    public long StartNs { get; set; }

    public long EndNs { get; set; }

    /// <summary>Running number of windows emitted by the stream.</summary>
    public long Sequence { get; set; }

    public Span<double> Channel(int c) => Values.AsSpan(c * Length, Length);

    public Span<SampleQuality> ChannelQuality(int c) => Quality.AsSpan(c * Length, Length);

    public SensorWindow Clone()
    {
        var copy = new SensorWindow(Stream, ChannelInfo, Length) { StartNs = StartNs, EndNs = EndNs, Sequence = Sequence };
        Values.CopyTo(copy.Values, 0);
        Quality.CopyTo(copy.Quality, 0);
        return copy;
    }
}
