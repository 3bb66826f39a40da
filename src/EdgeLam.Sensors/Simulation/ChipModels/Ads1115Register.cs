namespace EdgeLam.Sensors.Simulation.ChipModels;

/// <summary>ADS1115 address-pointer values (TI SBAS444, section 9.6, table 6). Registers are 16-bit, MSB first.</summary>
public enum Ads1115Register : byte
{
    Conversion = 0x00,
    Config = 0x01,
    LowThreshold = 0x02,
    HighThreshold = 0x03,
}

/// <summary>MUX[14:12]: input multiplexer.</summary>
public enum Ads1115Mux : byte
{
    Ain0Ain1 = 0b000,
    Ain0Ain3 = 0b001,
    Ain1Ain3 = 0b010,
    Ain2Ain3 = 0b011,
    Ain0Gnd = 0b100,
    Ain1Gnd = 0b101,
    Ain2Gnd = 0b110,
    Ain3Gnd = 0b111,
}

/// <summary>PGA[11:9]: full-scale range ±6.144, ±4.096, ±2.048, ±1.024, ±0.512, ±0.256 V.</summary>
public enum Ads1115Gain : byte
{
    Fsr6144 = 0b000,
    Fsr4096 = 0b001,
    Fsr2048 = 0b010,
    Fsr1024 = 0b011,
    Fsr512 = 0b100,
    Fsr256 = 0b101,
}

/// <summary>DR[7:5]: 8, 16, 32, 64, 128, 250, 475, 860 samples per second.</summary>
public enum Ads1115DataRate : byte
{
    Sps8 = 0b000,
    Sps16 = 0b001,
    Sps32 = 0b010,
    Sps64 = 0b011,
    Sps128 = 0b100,
    Sps250 = 0b101,
    Sps475 = 0b110,
    Sps860 = 0b111,
}

/// <summary>Config register fields and conversions (table 8).</summary>
public static class Ads1115Config
{
    public const int DefaultAddress = 0x48;

    /// <summary>Reset value of the config register.</summary>
    public const ushort Default = 0x8583;

    /// <summary>OS bit: write 1 starts a single conversion; reads 0 while converting, 1 when idle.</summary>
    public const ushort OperationalStatus = 0x8000;

    /// <summary>MODE bit: 1 = single-shot / power-down.</summary>
    public const ushort SingleShot = 0x0100;

    /// <summary>COMP_QUE = 11: comparator disabled (ALERT/RDY high impedance).</summary>
    public const ushort ComparatorDisabled = 0x0003;

    public static ushort SingleShotStart(Ads1115Mux mux, Ads1115Gain gain, Ads1115DataRate rate) =>
        (ushort)(OperationalStatus | ((int)mux << 12) | ((int)gain << 9) | SingleShot | ((int)rate << 5) | ComparatorDisabled);

    public static double FullScaleVolts(Ads1115Gain gain) => gain switch
    {
        Ads1115Gain.Fsr6144 => 6.144,
        Ads1115Gain.Fsr4096 => 4.096,
        Ads1115Gain.Fsr2048 => 2.048,
        Ads1115Gain.Fsr1024 => 1.024,
        Ads1115Gain.Fsr512 => 0.512,
        _ => 0.256,
    };

    public static int SamplesPerSecond(Ads1115DataRate rate) => rate switch
    {
        Ads1115DataRate.Sps8 => 8,
        Ads1115DataRate.Sps16 => 16,
        Ads1115DataRate.Sps32 => 32,
        Ads1115DataRate.Sps64 => 64,
        Ads1115DataRate.Sps128 => 128,
        Ads1115DataRate.Sps250 => 250,
        Ads1115DataRate.Sps475 => 475,
        _ => 860,
    };

    public static Ads1115Gain GainFromVolts(double volts) => volts switch
    {
        6.144 => Ads1115Gain.Fsr6144,
        4.096 => Ads1115Gain.Fsr4096,
        2.048 => Ads1115Gain.Fsr2048,
        1.024 => Ads1115Gain.Fsr1024,
        0.512 => Ads1115Gain.Fsr512,
        0.256 => Ads1115Gain.Fsr256,
        _ => throw new ArgumentOutOfRangeException(nameof(volts), volts, "6.144, 4.096, 2.048, 1.024, 0.512 or 0.256"),
    };

    public static Ads1115DataRate DataRateFromSps(int sps) => sps switch
    {
        8 => Ads1115DataRate.Sps8,
        16 => Ads1115DataRate.Sps16,
        32 => Ads1115DataRate.Sps32,
        64 => Ads1115DataRate.Sps64,
        128 => Ads1115DataRate.Sps128,
        250 => Ads1115DataRate.Sps250,
        475 => Ads1115DataRate.Sps475,
        860 => Ads1115DataRate.Sps860,
        _ => throw new ArgumentOutOfRangeException(nameof(sps), sps, "8, 16, 32, 64, 128, 250, 475 or 860"),
    };

    /// <summary>Parses "AIN0", "AIN0-GND", "AIN0-AIN1", ... into the MUX setting.</summary>
    public static bool TryParseMux(string text, out Ads1115Mux mux)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "AIN0-AIN1": mux = Ads1115Mux.Ain0Ain1; return true;
            case "AIN0-AIN3": mux = Ads1115Mux.Ain0Ain3; return true;
            case "AIN1-AIN3": mux = Ads1115Mux.Ain1Ain3; return true;
            case "AIN2-AIN3": mux = Ads1115Mux.Ain2Ain3; return true;
            case "AIN0" or "AIN0-GND": mux = Ads1115Mux.Ain0Gnd; return true;
            case "AIN1" or "AIN1-GND": mux = Ads1115Mux.Ain1Gnd; return true;
            case "AIN2" or "AIN2-GND": mux = Ads1115Mux.Ain2Gnd; return true;
            case "AIN3" or "AIN3-GND": mux = Ads1115Mux.Ain3Gnd; return true;
            default: mux = default; return false;
        }
    }
}
