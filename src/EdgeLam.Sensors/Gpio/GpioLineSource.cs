using System.Device.Gpio;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Parts;

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
/// Input lines of a <see cref="GpioController"/> as a source (a level and an edge counter per line): per line, its
/// logical value (0/1, inverted for active-low lines) and the number of edge events the library delivered since the
/// previous sample. Events arrive on the library's event thread; the counters are exchanged atomically on read.
/// </summary>
public sealed class GpioLineSource : ISensorSource
{
    private readonly GpioController _controller;
    private readonly SensorChannel[] _channels;
    private readonly int[] _pins;
    private readonly int[] _edgeCounts;
    private readonly bool _activeLow;
    private readonly PinChangeEventHandler? _handler;

    public GpioLineSource(string name, GpioController controller, IReadOnlyList<(string Name, int Pin)> lines, GpioEdge edge, bool activeLow = false)
    {
        Name = name;
        _controller = controller;
        _pins = [.. lines.Select(l => l.Pin)];
        _edgeCounts = new int[_pins.Length];
        _activeLow = activeLow;
        _channels = [.. lines.SelectMany(l => new[] { new SensorChannel(l.Name, "level", 0, 1), new SensorChannel(l.Name + "_edges", "count", 0, double.MaxValue) })];
        HasEdges = edge != GpioEdge.None;

        // Logical edges: on an active-low line a logical rising edge is a physical falling one.
        var rising = edge is GpioEdge.Rising or GpioEdge.Both;
        var falling = edge is GpioEdge.Falling or GpioEdge.Both;
        if (activeLow)
        {
            (rising, falling) = (falling, rising);
        }

        var events = (rising ? PinEventTypes.Rising : PinEventTypes.None) | (falling ? PinEventTypes.Falling : PinEventTypes.None);
        try
        {
            foreach (var pin in _pins)
            {
                _controller.OpenPin(pin, PinMode.Input);
            }

            if (HasEdges)
            {
                _handler = OnEdge;
                foreach (var pin in _pins)
                {
                    _controller.RegisterCallbackForPinValueChangedEvent(pin, events, _handler);
                }
            }
        }
        catch (Exception e) when (LibraryFaults.IsDeviceFault(e) || e is ArgumentException)
        {
            _controller.Dispose();
            throw LibraryFaults.Translate(name, e);
        }
    }

    public string Name { get; }

    public bool HasEdges { get; }

    public IReadOnlyList<SensorChannel> Channels => _channels;

    /// <summary>Opens lines of <c>/dev/gpiochipN</c> through libgpiod (v2, else v1) or, failing both, sysfs.</summary>
    public static GpioLineSource Open(string name, string chipPath, IReadOnlyList<(string Name, int Pin)> lines, GpioEdge edge, bool activeLow)
    {
        if (!File.Exists(chipPath))
        {
            throw new SensorException(SensorFault.DeviceGone, $"{name}: {chipPath} does not exist");
        }

        var chip = GpioDrivers.ChipNumber(chipPath) ?? throw new SensorException(SensorFault.BadData, $"{name}: '{chipPath}' is not /dev/gpiochipN");
        GpioController controller;
        try
        {
            controller = new GpioController(GpioDrivers.ForChip(chip));
        }
        catch (Exception e) when (LibraryFaults.IsDeviceFault(e) || e is PlatformNotSupportedException)
        {
            throw LibraryFaults.Translate(name, e);
        }

        return new GpioLineSource(name, controller, lines, edge, activeLow);
    }

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        try
        {
            for (var i = 0; i < _pins.Length; i++)
            {
                var high = _controller.Read(_pins[i]) == PinValue.High;
                samples[2 * i] = new SensorSample(timestampNs, high != _activeLow ? 1 : 0, SampleQuality.Good);
                samples[(2 * i) + 1] = new SensorSample(timestampNs, Interlocked.Exchange(ref _edgeCounts[i], 0), SampleQuality.Good);
            }
        }
        catch (Exception e) when (LibraryFaults.IsDeviceFault(e))
        {
            throw LibraryFaults.Translate(Name, e);
        }
    }

    public void Dispose()
    {
        if (_handler is not null)
        {
            foreach (var pin in _pins)
            {
                _controller.UnregisterCallbackForPinValueChangedEvent(pin, _handler);
            }
        }

        _controller.Dispose();
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        var index = Array.IndexOf(_pins, e.PinNumber);
        if (index >= 0)
        {
            Interlocked.Increment(ref _edgeCounts[index]);
        }
    }
}
