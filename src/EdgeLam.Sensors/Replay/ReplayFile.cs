using System.Globalization;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Mqtt;

namespace EdgeLam.Sensors.Replay;

/// <summary>
/// Recorded readings loaded from CSV (header <c>ts,channel,value,unit</c>; ts in seconds since the Unix epoch; an empty
/// value is a dropout) or JSON Lines (one reading object per line, the MQTT message format). Bad lines are counted and
/// reported with their line number, never fatal. Readings are sorted by time.
/// </summary>
public sealed class ReplayFile
{
    private ReplayFile(IReadOnlyList<SensorReading> readings, IReadOnlyList<string> errors)
    {
        Readings = readings;
        Errors = errors;
    }

    public IReadOnlyList<SensorReading> Readings { get; }

    public IReadOnlyList<string> Errors { get; }

    public static ReplayFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SensorException(SensorFault.DeviceGone, $"replay file {path} not found");
        }

        return path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ParseCsv(File.ReadLines(path)) : ParseJsonLines(File.ReadLines(path));
    }

    public static ReplayFile ParseCsv(IEnumerable<string> lines)
    {
        var readings = new List<SensorReading>();
        var errors = new List<string>();
        int[]? columns = null;
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split(',');
            if (columns is null)
            {
                var names = fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
                columns = [names.IndexOf("ts"), names.IndexOf("channel"), names.IndexOf("value"), names.IndexOf("unit")];
                if (columns[0] < 0 || columns[1] < 0 || columns[2] < 0)
                {
                    throw new SensorException(SensorFault.BadData, "CSV replay needs a header with ts,channel,value[,unit]");
                }

                continue;
            }

            string Field(int i) => i >= 0 && i < fields.Length ? fields[i].Trim() : string.Empty;
            if (!decimal.TryParse(Field(columns[0]), NumberStyles.Float, CultureInfo.InvariantCulture, out var ts) || ts < 0 || ts > 9.2e9m || Field(columns[1]).Length == 0)
            {
                errors.Add($"line {number}: bad ts or channel");
                continue;
            }

            var valueText = Field(columns[2]);
            var value = double.NaN;
            if (valueText.Length > 0 && !double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                errors.Add($"line {number}: bad value '{valueText}'");
                continue;
            }

            readings.Add(new SensorReading((long)(ts * 1_000_000_000m), Field(columns[1]), value, Field(columns[3])));
        }

        return new ReplayFile([.. readings.OrderBy(r => r.TimestampNs)], errors);
    }

    public static ReplayFile ParseJsonLines(IEnumerable<string> lines)
    {
        var readings = new List<SensorReading>();
        var errors = new List<string>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (MqttReadingParser.TryParse(System.Text.Encoding.UTF8.GetBytes(line), out var reading, out var error))
            {
                readings.Add(reading);
            }
            else
            {
                errors.Add($"line {number}: {error}");
            }
        }

        return new ReplayFile([.. readings.OrderBy(r => r.TimestampNs)], errors);
    }
}
