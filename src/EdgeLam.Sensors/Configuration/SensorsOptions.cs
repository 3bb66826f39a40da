using EdgeLam.Sensors.Simulation;
using EdgeLam.Sensors.Tokenization;

namespace EdgeLam.Sensors.Configuration;

/// <summary>
/// The <c>Sensors</c> configuration section (a board profile supplies it). Collections are keyed by name so that
/// configuration layers merge entries by name rather than by array position.
/// </summary>
public sealed class SensorsOptions
{
    public const string SectionName = "Sensors";

    public Dictionary<string, BusOptions> Buses { get; set; } = [];

    public Dictionary<string, DeviceOptions> Devices { get; set; } = [];

    public Dictionary<string, StreamOptions> Streams { get; set; } = [];

    public Dictionary<string, GpioLineOptions> GpioLines { get; set; } = [];

    public TokenizerOptions Tokenizer { get; set; } = new();

    /// <summary>Seed of every simulated signal (a device's own Seed overrides it).</summary>
    public int Seed { get; set; } = 42;

    public double InitialBackoffSeconds { get; set; } = 0.1;

    public double MaxBackoffSeconds { get; set; } = 30;
}

/// <summary>
/// A bus: <c>i2c</c> (Path /dev/i2c-N), <c>iio</c> (Path = the IIO sysfs root), <c>gpio</c> (Path /dev/gpiochipN) or
/// <c>w1</c> (Path = the kernel's 1-Wire devices directory, /sys/bus/w1/devices).
/// </summary>
public sealed class BusOptions
{
    public string Kind { get; set; } = "i2c";

    public string Path { get; set; } = string.Empty;

    /// <summary>Devices on a simulated bus talk to simulated chips that speak the same transactions.</summary>
    public bool Simulated { get; set; }
}

/// <summary>
/// One device. Driver: a part kind of the <see cref="Parts.PartCatalogue"/> (bme280, bmp280, bmp180, mpu6050, ads1115,
/// ina219, sht3x, bh1750, ds18b20, ...) or a built-in source (iio, signal, replay, mqtt).
/// </summary>
public sealed class DeviceOptions
{
    public string Driver { get; set; } = string.Empty;

    /// <summary>Part-specific settings (for example ina219 ShuntOhms, ds18b20 DeviceId); see docs/sensors.md.</summary>
    public Dictionary<string, string> Options { get; set; } = [];

    public string? Bus { get; set; }

    /// <summary>7-bit I2C address, hexadecimal ("0x76") or decimal.</summary>
    public string? Address { get; set; }

    public double RateHz { get; set; } = 10;

    public int? Seed { get; set; }

    /// <summary>Channel names (signal, replay, mqtt: required; iio: optional filter).</summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>Units of <see cref="Channels"/> for signal/replay/mqtt sources, in the same order.</summary>
    public List<string> Units { get; set; } = [];

    /// <summary>Simulated signals by channel or quantity name (temperature, pressure, humidity, accel, gyro, ain0..3).</summary>
    public Dictionary<string, SignalOptions> Signals { get; set; } = [];

    /// <summary>A bad reading is flagged Stuck after this many identical readings (0 disables).</summary>
    public int StuckAfter { get; set; } = 25;

    /// <summary>BME280 osrs (1, 2, 4, 8, 16) or BMP180 oss (0..3).</summary>
    public int Oversampling { get; set; } = 1;

    public int AccelRangeG { get; set; } = 2;

    public int GyroRangeDps { get; set; } = 250;

    public double GainVolts { get; set; } = 2.048;

    public int DataRate { get; set; } = 860;

    /// <summary>ADS1115 inputs: AIN0..AIN3 (single-ended) or AIN0-AIN1, AIN0-AIN3, AIN1-AIN3, AIN2-AIN3.</summary>
    public List<string> Inputs { get; set; } = [];

    /// <summary>IIO device directory (iio:device0) or name attribute.</summary>
    public string? IioDevice { get; set; }

    /// <summary>Replay file (.csv or .jsonl).</summary>
    public string? Path { get; set; }

    /// <summary>Replay speed: 1 recorded pace, 10 ten times faster, 0 as fast as possible.</summary>
    public double Speed { get; set; } = 1;

    public bool Loop { get; set; }
}

/// <summary>A stream: channels of one device cut into windows and tokenized.</summary>
public sealed class StreamOptions
{
    public string Device { get; set; } = string.Empty;

    /// <summary>Channels of the device in the stream (all when empty).</summary>
    public List<string> Channels { get; set; } = [];

    public int WindowLength { get; set; } = 64;

    public int Hop { get; set; } = 32;

    /// <summary>chronos (token ids) or patch (inputs_embeds through the encoder).</summary>
    public string Tokenizer { get; set; } = "chronos";

    /// <summary>impute, mask or drop.</summary>
    public string BadData { get; set; } = "impute";

    public double MaxBadFraction { get; set; } = 0.5;
}

/// <summary>A GPIO input line sampled as a source named after the line.</summary>
public sealed class GpioLineOptions
{
    public string Bus { get; set; } = string.Empty;

    public int Line { get; set; }

    /// <summary>none, rising, falling or both.</summary>
    public string Edge { get; set; } = "none";

    public bool ActiveLow { get; set; }

    public double RateHz { get; set; } = 10;
}

/// <summary>Tokenizer settings shared by all streams.</summary>
public sealed class TokenizerOptions
{
    public ChronosTokenizerOptions Chronos { get; set; } = new();

    public PatchOptions Patch { get; set; } = new();
}
