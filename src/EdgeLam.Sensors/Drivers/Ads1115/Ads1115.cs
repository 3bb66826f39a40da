using System.Buffers.Binary;
using EdgeLam.Sensors.Buses;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Drivers.Ads1115;

/// <summary>
/// TI ADS1115 16-bit ADC in single-shot mode: for each configured input, write the config with OS=1, wait one conversion
/// period, poll OS until the device is idle, read the conversion register. Values in volts.
/// </summary>
public sealed class Ads1115 : ISensorSource
{
    private readonly I2cBusDevice _device;
    private readonly bool _ownsDevice;
    private readonly Ads1115Mux[] _inputs;
    private readonly SensorChannel[] _channels;
    private readonly Action<int> _waitMicroseconds;
    private readonly double _voltsPerLsb;

    public Ads1115(
        I2cBusDevice device,
        IReadOnlyList<Ads1115Mux> inputs,
        string name = "ads1115",
        Ads1115Gain gain = Ads1115Gain.Fsr2048,
        Ads1115DataRate dataRate = Ads1115DataRate.Sps860,
        Action<int>? waitMicroseconds = null,
        bool ownsDevice = true)
    {
        if (inputs.Count == 0)
        {
            throw new ArgumentException("at least one input", nameof(inputs));
        }

        _device = device;
        _ownsDevice = ownsDevice;
        _inputs = [.. inputs];
        Name = name;
        Gain = gain;
        DataRate = dataRate;
        _waitMicroseconds = waitMicroseconds ?? (us => Thread.Sleep(TimeSpan.FromMicroseconds(us)));
        var fsr = Ads1115Config.FullScaleVolts(gain);
        _voltsPerLsb = fsr / 32768.0;
        _channels = [.. _inputs.Select(m => new SensorChannel(ChannelName(m), "V", -fsr, fsr))];

        // Probe: the config register must read back its documented layout (MODE bit set after reset).
        var config = ReadRegister(Ads1115Register.Config);
        if ((config & Ads1115Config.SingleShot) == 0 && (config & Ads1115Config.OperationalStatus) == 0)
        {
            throw new SensorException(SensorFault.BadData, $"{name}: config 0x{config:X4} at 0x{device.Address:X2} is not an idle ADS1115");
        }
    }

    public string Name { get; }

    public Ads1115Gain Gain { get; }

    public Ads1115DataRate DataRate { get; }

    public IReadOnlyList<SensorChannel> Channels => _channels;

    public static string ChannelName(Ads1115Mux mux) => mux switch
    {
        Ads1115Mux.Ain0Ain1 => "ain0_ain1",
        Ads1115Mux.Ain0Ain3 => "ain0_ain3",
        Ads1115Mux.Ain1Ain3 => "ain1_ain3",
        Ads1115Mux.Ain2Ain3 => "ain2_ain3",
        Ads1115Mux.Ain0Gnd => "ain0",
        Ads1115Mux.Ain1Gnd => "ain1",
        Ads1115Mux.Ain2Gnd => "ain2",
        _ => "ain3",
    };

    public void Read(long timestampNs, Span<SensorSample> samples)
    {
        var periodUs = 1_000_000 / Ads1115Config.SamplesPerSecond(DataRate);
        for (var i = 0; i < _inputs.Length; i++)
        {
            samples[i] = new SensorSample(timestampNs, ConvertSingleShot(_inputs[i], periodUs) * _voltsPerLsb, SampleQuality.Good);
        }
    }

    public void Dispose()
    {
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }

    private short ConvertSingleShot(Ads1115Mux mux, int periodUs)
    {
        var config = Ads1115Config.SingleShotStart(mux, Gain, DataRate);
        Span<byte> write = [(byte)Ads1115Register.Config, (byte)(config >> 8), (byte)config];
        _device.Write(write);
        for (var attempt = 0; ; attempt++)
        {
            _waitMicroseconds(periodUs + 100);
            if ((ReadRegister(Ads1115Register.Config) & Ads1115Config.OperationalStatus) != 0)
            {
                break;
            }

            if (attempt == 4)
            {
                throw new SensorException(SensorFault.Timeout, $"{Name}: conversion on {ChannelName(mux)} did not complete");
            }
        }

        return (short)ReadRegister(Ads1115Register.Conversion);
    }

    private ushort ReadRegister(Ads1115Register register)
    {
        Span<byte> value = stackalloc byte[2];
        _device.WriteRead([(byte)register], value);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }
}
