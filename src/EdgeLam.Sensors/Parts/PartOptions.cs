using System.Globalization;
using EdgeLam.Sensors.Configuration;

namespace EdgeLam.Sensors.Parts;

/// <summary>Reads a part's own settings from the device's <c>Options</c> (string values, invariant culture).</summary>
public static class PartOptions
{
    public static double Double(DeviceOptions d, string key, double fallback) =>
        d.Options.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    public static string? Text(DeviceOptions d, string key) =>
        d.Options.TryGetValue(key, out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    /// <summary>Reports a present option that is not a finite number in [min, max].</summary>
    public static void CheckDouble(DeviceOptions d, string key, double min, double max, Action<string, object?, string> add)
    {
        if (d.Options.TryGetValue(key, out var text)
            && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max))
        {
            add("Options:" + key, text, $"must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
        }
    }
}
