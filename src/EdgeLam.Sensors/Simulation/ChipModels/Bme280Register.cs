namespace EdgeLam.Sensors.Simulation.ChipModels;

/// <summary>BME280 register addresses (datasheet BST-BME280-DS002, section 5.3, table 18).</summary>
public enum Bme280Register : byte
{
    /// <summary>calib00..calib25: dig_T1..dig_P9 (0x88..0x9F), 0xA0 unused, dig_H1 (0xA1).</summary>
    Calibration00 = 0x88,
    ChipId = 0xD0,
    Reset = 0xE0,

    /// <summary>calib26..calib32: dig_H2..dig_H6 (0xE1..0xE7).</summary>
    Calibration26 = 0xE1,
    ControlHumidity = 0xF2,
    Status = 0xF3,
    ControlMeasurement = 0xF4,
    Config = 0xF5,

    /// <summary>press_msb, press_lsb, press_xlsb, temp_msb, temp_lsb, temp_xlsb, hum_msb, hum_lsb (burst 0xF7..0xFE).</summary>
    PressureMsb = 0xF7,
}

/// <summary>Oversampling settings osrs_t / osrs_p / osrs_h (table 20–24). Skipped disables the measurement.</summary>
public enum Bme280Oversampling : byte
{
    Skipped = 0b000,
    X1 = 0b001,
    X2 = 0b010,
    X4 = 0b011,
    X8 = 0b100,
    X16 = 0b101,
}

/// <summary>Constants of the BME280 protocol.</summary>
public static class Bme280Constants
{
    public const byte ChipId = 0x60;
    public const byte ResetCommand = 0xB6;
    public const byte ModeNormal = 0b11;
    public const byte ModeForced = 0b01;
    public const int DefaultAddress = 0x76;

    /// <summary>adc_T / adc_P value the chip reports for a skipped measurement (0x80000), adc_H's is 0x8000.</summary>
    public const int Skipped20 = 0x80000;
    public const int Skipped16 = 0x8000;
}
