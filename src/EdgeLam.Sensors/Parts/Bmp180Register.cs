namespace EdgeLam.Sensors.Parts;

/// <summary>BMP180 registers (datasheet BST-BMP180-DS000, section 5.5, figure 5).</summary>
public enum Bmp180Register : byte
{
    /// <summary>AC1 (0xAA/0xAB) .. MD (0xBE/0xBF): eleven big-endian words.</summary>
    CalibrationAc1 = 0xAA,
    ChipId = 0xD0,
    SoftReset = 0xE0,
    ControlMeasurement = 0xF4,
    OutMsb = 0xF6,
    OutLsb = 0xF7,
    OutXlsb = 0xF8,
}

/// <summary>Values written to ctrl_meas (0xF4) to start a conversion (datasheet table 8).</summary>
public static class Bmp180Command
{
    public const byte Temperature = 0x2E;

    /// <summary>0x34 + (oss &lt;&lt; 6).</summary>
    public static byte Pressure(int oversampling) => (byte)(0x34 + (oversampling << 6));

    /// <summary>Start-of-conversion bit of ctrl_meas: 1 while converting.</summary>
    public const byte StartOfConversion = 0x20;

    public const byte ChipIdValue = 0x55;
    public const int DefaultAddress = 0x77;

    /// <summary>Maximum conversion times in microseconds (table 8): temperature, then pressure for oss 0..3.</summary>
    public static int ConversionMicroseconds(bool pressure, int oversampling) =>
        !pressure ? 4500 : oversampling switch { 0 => 4500, 1 => 7500, 2 => 13500, _ => 25500 };
}
