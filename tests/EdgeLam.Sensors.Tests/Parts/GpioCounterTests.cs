using System.Device.Gpio;
using EdgeLam.Sensors.Gpio;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Tests.Parts;

/// <summary>GpioLineSource (level + edge counter) on a System.Device.Gpio GpioController over a simulated driver.</summary>
public class GpioCounterTests
{
    [Fact]
    public void Counter_RisingEdges_CountsThemThenStartsAgain()
    {
        var driver = new SimulatedGpioDriver();
        using var source = new GpioLineSource("meter", new GpioController(driver), [("meter", 17)], GpioEdge.Rising);
        for (var i = 0; i < 5; i++)
        {
            driver.Drive(17, PinValue.High);
            driver.Drive(17, PinValue.Low);
        }

        driver.Drive(17, PinValue.High);
        var samples = PartHarness.Read(source);

        Assert.Equal(["meter", "meter_edges"], source.Channels.Select(c => c.Name));
        Assert.Equal(1, samples[0].Value);
        Assert.Equal(6, samples[1].Value);
        Assert.Equal(0, PartHarness.Read(source)[1].Value);
        Assert.Equal(PinMode.Input, driver.Modes[17]);
    }

    [Fact]
    public void Counter_BothEdgesOnTwoLines_CountsPerLine()
    {
        var driver = new SimulatedGpioDriver();
        using var source = new GpioLineSource("io", new GpioController(driver), [("a", 5), ("b", 6)], GpioEdge.Both);
        driver.Drive(5, PinValue.High);
        driver.Drive(5, PinValue.Low);
        driver.Drive(6, PinValue.High);

        var samples = PartHarness.Read(source);

        Assert.Equal([0.0, 2.0, 1.0, 1.0], samples.Select(s => s.Value));
    }

    [Fact]
    public void Counter_ActiveLow_InvertsLevelAndCountsLogicalRisingEdges()
    {
        var driver = new SimulatedGpioDriver();
        driver.Drive(4, PinValue.High); // idle high: logical 0
        using var source = new GpioLineSource("door", new GpioController(driver), [("door", 4)], GpioEdge.Rising, activeLow: true);

        driver.Drive(4, PinValue.Low); // logical rising
        var samples = PartHarness.Read(source);

        Assert.Equal(1, samples[0].Value);
        Assert.Equal(1, samples[1].Value);
        driver.Drive(4, PinValue.High); // logical falling: not counted
        Assert.Equal([0.0, 0.0], PartHarness.Read(source).Select(s => s.Value));
    }

    [Fact]
    public void Counter_NoEdges_RegistersNoCallback()
    {
        var driver = new SimulatedGpioDriver();
        using var source = new GpioLineSource("level", new GpioController(driver), [("level", 3)], GpioEdge.None);
        driver.Drive(3, PinValue.High);

        Assert.Equal([1.0, 0.0], PartHarness.Read(source).Select(s => s.Value));
        Assert.Equal(0, driver.Callbacks);
    }

    [Fact]
    public void Counter_ReadFails_ThrowsTypedFault()
    {
        var driver = new SimulatedGpioDriver();
        using var source = new GpioLineSource("meter", new GpioController(driver), [("meter", 17)], GpioEdge.Rising);
        driver.FailReads = true;

        Assert.Equal(SensorFault.Io, Assert.Throws<SensorException>(() => PartHarness.Read(source)).Fault);
    }

    [Fact]
    public void Open_PinOutOfRange_ThrowsTypedFault()
    {
        var driver = new SimulatedGpioDriver();

        Assert.Throws<SensorException>(() => new GpioLineSource("x", new GpioController(driver), [("x", 999)], GpioEdge.Rising));
    }
}

/// <summary>A GPIO driver whose input levels the test drives; edges call the registered callbacks synchronously.</summary>
internal sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _handlers = [];

    public Dictionary<int, PinMode> Modes { get; } = [];

    public int Callbacks => _handlers.Values.Sum(h => h.Count);

    public bool FailReads { get; set; }

    protected override int PinCount => 64;

    public void Drive(int pin, PinValue value)
    {
        var old = _values.GetValueOrDefault(pin, PinValue.Low);
        _values[pin] = value;
        if (old == value || !_handlers.TryGetValue(pin, out var handlers))
        {
            return;
        }

        var type = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        foreach (var (types, handler) in handlers.ToArray())
        {
            if ((types & type) != 0)
            {
                handler(this, new PinValueChangedEventArgs(type, pin));
            }
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        if (pinNumber >= PinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber));
        }
    }

    protected override void ClosePin(int pinNumber)
    {
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => Modes[pinNumber] = mode;

    protected override PinMode GetPinMode(int pinNumber) => Modes.GetValueOrDefault(pinNumber, PinMode.Input);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output;

    protected override PinValue Read(int pinNumber) =>
        FailReads ? throw new IOException("line read failed") : _values.GetValueOrDefault(pinNumber, PinValue.Low);

    protected override void Write(int pinNumber, PinValue value) => _values[pinNumber] = value;

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        new() { TimedOut = true, EventTypes = PinEventTypes.None };

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        if (!_handlers.TryGetValue(pinNumber, out var list))
        {
            _handlers[pinNumber] = list = [];
        }

        list.Add((eventTypes, callback));
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        _handlers.GetValueOrDefault(pinNumber)?.RemoveAll(h => h.Handler == callback);
}
