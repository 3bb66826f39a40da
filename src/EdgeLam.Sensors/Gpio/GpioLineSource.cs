using EdgeLam.Linux.Interop;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Gpio;

/// <summary>Which edges of an input line are reported as events.</summary>
public enum GpioEdge
{
    None,
    Rising,
    Falling,
    Both,
}

/// <summary>
/// Input lines of a GPIO character device (<c>/dev/gpiochipN</c>, v2 uAPI) as a source: per line, its value (0/1) and the
/// number of edge events read from the line request's descriptor since the previous sample.
/// </summary>
public sealed class GpioLineSource : ISensorSource
{
    private readonly GpioChipHandle _chip;
    private readonly GpioLineHandle _lines;
    private readonly SensorChannel[] _channels;
    private readonly GpioV2LineEvent[] _events = new GpioV2LineEvent[16];
    private readonly int[] _edgeCounts;
    private readonly uint[] _offsets;

    public GpioLineSource(string name, string chipPath, IReadOnlyList<(string Name, uint Offset)> lines, GpioEdge edge, bool activeLow = false)
    {
        Name = name;
        _offsets = [.. lines.Select(l => l.Offset)];
        _edgeCounts = new int[lines.Count];
        var flags = GpioV2.FlagInput
            | (activeLow ? GpioV2.FlagActiveLow : 0)
            | (edge is GpioEdge.Rising or GpioEdge.Both ? GpioV2.FlagEdgeRising : 0)
            | (edge is GpioEdge.Falling or GpioEdge.Both ? GpioV2.FlagEdgeFalling : 0);
        try
        {
            _chip = GpioChipHandle.Open(chipPath);
            _lines = _chip.RequestLines(_offsets, flags, "edgelam");
        }
        catch (LinuxIoException e)
        {
            _chip?.Dispose();
            throw new SensorException(e.IsDeviceGone ? SensorFault.DeviceGone : SensorFault.Io, e.Message, e);
        }

        _channels = [.. lines.SelectMany(l => new[] { new SensorChannel(l.Name, "level", 0, 1), new SensorChannel(l.Name + "_edges", "count", 0, double.MaxValue) })];
        HasEdges = edge != GpioEdge.None;
    }

    public string Name { get; }

    public bool HasEdges { get; }

    public IReadOnlyList<SensorChannel> Channels => _channels;

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        try
        {
            Array.Clear(_edgeCounts);
            if (HasEdges)
            {
                int n;
                while ((n = _lines.ReadEvents(_events, 0)) > 0)
                {
                    for (var i = 0; i < n; i++)
                    {
                        var index = Array.IndexOf(_offsets, _events[i].Offset);
                        if (index >= 0)
                        {
                            _edgeCounts[index]++;
                        }
                    }
                }
            }

            var bits = _lines.GetValues();
            for (var i = 0; i < _offsets.Length; i++)
            {
                samples[2 * i] = new SensorSample(timestampNs, (bits >> i) & 1, SampleQuality.Good);
                samples[(2 * i) + 1] = new SensorSample(timestampNs, _edgeCounts[i], SampleQuality.Good);
            }
        }
        catch (LinuxIoException e)
        {
            throw new SensorException(e.IsDeviceGone ? SensorFault.DeviceGone : SensorFault.Io, e.Message, e);
        }
    }

    public void Dispose()
    {
        _lines.Dispose();
        _chip.Dispose();
    }
}
