namespace EdgeLam.Sensors.Iio;

/// <summary>
/// Units of the IIO ABI (Documentation/ABI/testing/sysfs-bus-iio) after offset and scale, and the factor to the units
/// this project reports: temperature in milli °C → °C, voltage in mV → V, pressure in kPa → Pa, relative humidity in
/// milli percent → %RH, current in mA → A; acceleration (m/s²), angular velocity (rad/s), illuminance (lux) as is.
/// </summary>
public static class IioUnits
{
    public static (string Unit, double Factor) For(string channelType) => channelType switch
    {
        "temp" => ("degC", 1e-3),
        "voltage" => ("V", 1e-3),
        "pressure" => ("Pa", 1e3),
        "humidityrelative" => ("%RH", 1e-3),
        "current" => ("A", 1e-3),
        "accel" => ("m/s2", 1.0),
        "anglvel" => ("rad/s", 1.0),
        "illuminance" => ("lx", 1.0),
        "magn" => ("Gauss", 1.0),
        _ => (channelType, 1.0),
    };

    /// <summary>The channel type of an attribute base such as <c>in_voltage0</c>, <c>in_accel_x</c>, <c>in_temp</c>.</summary>
    public static string TypeOf(string baseName)
    {
        var s = baseName.StartsWith("in_", StringComparison.Ordinal) ? baseName[3..] : baseName;
        var end = 0;
        while (end < s.Length && char.IsAsciiLetter(s[end]))
        {
            end++;
        }

        return s[..end];
    }
}
