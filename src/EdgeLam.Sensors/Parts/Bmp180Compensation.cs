namespace EdgeLam.Sensors.Parts;

/// <summary>
/// The datasheet's calculation of true temperature and pressure (BST-BMP180-DS000 section 3.5, figure 4), in one place.
/// Divisions by powers of two are arithmetic shifts, as in Bosch's reference implementation: the worked example's final
/// pressure (69964 Pa) depends on the flooring of the negative term.
/// </summary>
public static class Bmp180Compensation
{
    /// <summary>B5 from the uncompensated temperature.</summary>
    public static int B5(int ut, in Bmp180Calibration c)
    {
        var x1 = ((ut - c.AC6) * c.AC5) >> 15;
        var x2 = (c.MC << 11) / (x1 + c.MD);
        return x1 + x2;
    }

    /// <summary>Temperature in 0.1 °C.</summary>
    public static int Temperature(int ut, in Bmp180Calibration c) => (B5(ut, c) + 8) >> 4;

    /// <summary>Pressure in Pa from the uncompensated pressure at oversampling <paramref name="oss"/>.</summary>
    public static int Pressure(int up, int oss, in Bmp180Calibration c, int b5)
    {
        var b6 = b5 - 4000;
        var x1 = (c.B2 * ((b6 * b6) >> 12)) >> 11;
        var x2 = (c.AC2 * b6) >> 11;
        var x3 = x1 + x2;
        var b3 = ((((c.AC1 * 4) + x3) << oss) + 2) >> 2;
        x1 = (c.AC3 * b6) >> 13;
        x2 = (c.B1 * ((b6 * b6) >> 12)) >> 16;
        x3 = (x1 + x2 + 2) >> 2;
        var b4 = (uint)(((ulong)c.AC4 * (uint)(x3 + 32768)) >> 15);
        var b7 = (uint)(((ulong)(uint)(up - b3)) * (uint)(50000 >> oss));
        var p = b7 < 0x80000000 ? (int)((b7 * 2) / b4) : (int)((b7 / b4) * 2);
        x1 = (p >> 8) * (p >> 8);
        x1 = (x1 * 3038) >> 16;
        x2 = (-7357 * p) >> 16;
        return p + ((x1 + x2 + 3791) >> 4);
    }
}
