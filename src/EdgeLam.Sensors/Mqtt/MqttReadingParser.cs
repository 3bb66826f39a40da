using System.Globalization;
using System.Text.Json;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Mqtt;

/// <summary>
/// Parses the readings other devices publish. The JSON form (<see cref="TryParse"/>):
/// <c>{"ts": 1732270000.25, "channel": "temp", "value": 21.5, "unit": "degC"}</c>. <c>ts</c> is seconds since the Unix
/// epoch (a number, fractions allowed); over MQTT it may be left out (a device without a clock) and the reading takes
/// its arrival time, in a replay file it is required. <c>channel</c> and <c>value</c> are required, <c>unit</c> is
/// optional (empty), <c>value</c> may be null (a reported dropout → NaN); numbers beyond the double range are refused.
/// Unknown members are ignored. No reflection: a <see cref="Utf8JsonReader"/> walk. The number form (<see cref="TryParseNumber"/>): the payload is one decimal number
/// or <c>null</c>, the channel comes from the topic and the time from the arrival.
/// </summary>
public static class MqttReadingParser
{
    /// <summary>The largest payload of the number form (a double needs far fewer characters).</summary>
    public const int MaxNumberLength = 64;

    /// <summary>
    /// Parses a bare number (<c>21.5</c>, <c>-3e-2</c>; surrounding whitespace allowed) or <c>null</c> (a dropout → NaN)
    /// into a reading of <paramref name="channel"/> at <paramref name="receivedNs"/> (Unix-epoch nanoseconds).
    /// NaN, infinities and numbers outside the double range are rejected.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> utf8, string channel, long receivedNs, out SensorReading reading, out string? error)
    {
        reading = default;
        error = null;
        var text = utf8.Trim(" \t\r\n"u8);
        if (text.Length == 0 || text.Length > MaxNumberLength)
        {
            error = "payload must be one number or null";
            return false;
        }

        if (text.SequenceEqual("null"u8))
        {
            reading = new SensorReading(receivedNs, channel, double.NaN, string.Empty);
            return true;
        }

        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            error = "payload must be one finite decimal number or null";
            return false;
        }

        reading = new SensorReading(receivedNs, channel, value, string.Empty);
        return true;
    }

    /// <summary>Parses a JSON reading whose <c>ts</c> is required (a replay file's line).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, out SensorReading reading, out string? error) =>
        TryParse(utf8Json, null, out reading, out error);

    /// <summary>
    /// Parses a JSON reading received over MQTT at <paramref name="receivedNs"/> (Unix-epoch nanoseconds): without a
    /// <c>ts</c> the reading is stamped with that arrival time.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, long receivedNs, out SensorReading reading, out string? error) =>
        TryParse(utf8Json, (long?)receivedNs, out reading, out error);

    private static bool TryParse(ReadOnlySpan<byte> utf8Json, long? receivedNs, out SensorReading reading, out string? error)
    {
        reading = default;
        error = null;
        decimal? ts = null;
        double? value = null;
        var valueNull = false;
        string? channel = null;
        var unit = string.Empty;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "reading is not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("ts"u8))
                {
                    reader.Read();
                    // decimal keeps nanoseconds exact for epoch seconds (a double only has ~0.2 µs there).
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var t))
                    {
                        error = "'ts' must be a number (seconds since the Unix epoch)";
                        return false;
                    }

                    ts = t;
                }
                else if (reader.ValueTextEquals("channel"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { Length: > 0 } c)
                    {
                        error = "'channel' must be a non-empty string";
                        return false;
                    }

                    channel = c;
                }
                else if (reader.ValueTextEquals("value"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        valueNull = true;
                    }
                    else if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var v) && double.IsFinite(v))
                    {
                        value = v;
                    }
                    else
                    {
                        error = "'value' must be a finite number or null";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("unit"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = "'unit' must be a string";
                        return false;
                    }

                    unit = reader.GetString() ?? string.Empty;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            error = "malformed JSON: " + e.Message;
            return false;
        }
        catch (InvalidOperationException e)
        {
            // GetString throws this for a string that is not valid UTF-8 or holds a lone UTF-16 surrogate escape.
            error = "malformed JSON string: " + e.Message;
            return false;
        }

        if ((ts is null && receivedNs is null) || channel is null || (value is null && !valueNull))
        {
            error = receivedNs is null ? "reading needs 'ts', 'channel' and 'value'" : "reading needs 'channel' and 'value'";
            return false;
        }

        if (ts is { } t0 && (t0 < 0 || t0 > 9.2e9m))
        {
            error = "'ts' out of range";
            return false;
        }

        var timestampNs = ts is { } seconds ? (long)(seconds * 1_000_000_000m) : receivedNs!.Value;
        reading = new SensorReading(timestampNs, channel, value ?? double.NaN, unit);
        return true;
    }
}
