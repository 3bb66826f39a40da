namespace EdgeLam.Sensors.Simulation.ChipModels;

/// <summary>
/// The datasheet's compensation formulas, all in one place (BST-BME280-DS002 section 8): the integer versions of 8.2
/// (int32 temperature and humidity, int64 pressure), which the driver uses, and the double versions of 8.1, kept as the
/// independent reference the tests compare against. t_fine carries the temperature into P and H.
/// </summary>
public static class Bme280Compensation
{
    /// <summary>8.2 BME280_compensate_T_int32: temperature in 0.01 °C and t_fine.</summary>
    public static int TemperatureInt32(int adcT, in Bme280Calibration c, out int tFine)
    {
        var var1 = (((adcT >> 3) - (c.T1 << 1)) * c.T2) >> 11;
        var var2 = (((((adcT >> 4) - c.T1) * ((adcT >> 4) - c.T1)) >> 12) * c.T3) >> 14;
        tFine = var1 + var2;
        return ((tFine * 5) + 128) >> 8;
    }

    /// <summary>8.2 BME280_compensate_P_int64: pressure in Pa as Q24.8 (divide by 256); 0 when var1 is 0.</summary>
    public static uint PressureInt64(int adcP, in Bme280Calibration c, int tFine)
    {
        long var1 = tFine - 128000L;
        var var2 = var1 * var1 * c.P6;
        var2 += (var1 * c.P5) << 17;
        var2 += (long)c.P4 << 35;
        var1 = ((var1 * var1 * c.P3) >> 8) + ((var1 * c.P2) << 12);
        var1 = (((1L << 47) + var1) * c.P1) >> 33;
        if (var1 == 0)
        {
            return 0;
        }

        long p = 1048576 - adcP;
        p = (((p << 31) - var2) * 3125) / var1;
        var1 = (c.P9 * (p >> 13) * (p >> 13)) >> 25;
        var2 = (c.P8 * p) >> 19;
        p = ((p + var1 + var2) >> 8) + ((long)c.P7 << 4);
        return (uint)p;
    }

    /// <summary>8.2 bme280_compensate_H_int32: relative humidity in %RH as Q22.10 (divide by 1024).</summary>
    public static uint HumidityInt32(int adcH, in Bme280Calibration c, int tFine)
    {
        var v = tFine - 76800;
        v = (((adcH << 14) - (c.H4 << 20) - (c.H5 * v) + 16384) >> 15)
            * (((((((v * c.H6) >> 10) * (((v * c.H3) >> 11) + 32768)) >> 10) + 2097152) * c.H2 + 8192) >> 14);
        v -= ((((v >> 15) * (v >> 15)) >> 7) * c.H1) >> 4;
        v = v < 0 ? 0 : v;
        v = v > 419430400 ? 419430400 : v;
        return (uint)(v >> 12);
    }

    /// <summary>8.1 BME280_compensate_T_double: temperature in °C and t_fine.</summary>
    public static double TemperatureDouble(int adcT, in Bme280Calibration c, out int tFine)
    {
        var var1 = ((adcT / 16384.0) - (c.T1 / 1024.0)) * c.T2;
        var d = (adcT / 131072.0) - (c.T1 / 8192.0);
        var var2 = d * d * c.T3;
        tFine = (int)(var1 + var2);
        return (var1 + var2) / 5120.0;
    }

    /// <summary>8.1 BME280_compensate_P_double: pressure in Pa.</summary>
    public static double PressureDouble(int adcP, in Bme280Calibration c, int tFine)
    {
        var var1 = (tFine / 2.0) - 64000.0;
        var var2 = var1 * var1 * c.P6 / 32768.0;
        var2 += var1 * c.P5 * 2.0;
        var2 = (var2 / 4.0) + (c.P4 * 65536.0);
        var1 = ((c.P3 * var1 * var1 / 524288.0) + (c.P2 * var1)) / 524288.0;
        var1 = (1.0 + (var1 / 32768.0)) * c.P1;
        if (var1 == 0.0)
        {
            return 0;
        }

        var p = 1048576.0 - adcP;
        p = (p - (var2 / 4096.0)) * 6250.0 / var1;
        var1 = c.P9 * p * p / 2147483648.0;
        var2 = p * c.P8 / 32768.0;
        return p + ((var1 + var2 + c.P7) / 16.0);
    }

    /// <summary>8.1 bme280_compensate_H_double: relative humidity in %RH, clamped to [0, 100].</summary>
    public static double HumidityDouble(int adcH, in Bme280Calibration c, int tFine)
    {
        var h = tFine - 76800.0;
        h = (adcH - ((c.H4 * 64.0) + (c.H5 / 16384.0 * h)))
            * (c.H2 / 65536.0 * (1.0 + (c.H6 / 67108864.0 * h * (1.0 + (c.H3 / 67108864.0 * h)))));
        h *= 1.0 - (c.H1 * h / 524288.0);
        return Math.Clamp(h, 0.0, 100.0);
    }
}
