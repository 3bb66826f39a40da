using System.Text;
using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Sensors.Model;
using EdgeLam.Sensors.Mqtt;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// A sensor reading another device publishes over MQTT, in both payload forms the daemon takes: the JSON object and
/// the bare number. Either parser returns false with an error, or a reading whose channel is non-empty, whose value is
/// finite (NaN only for a reported dropout, <c>null</c>) and whose timestamp is not before the epoch.
/// </summary>
public sealed class MqttReadingTarget : FuzzTarget
{
    private const long ReceivedNs = 1_764_892_800_000_000_000;

    public override string Name => "mqtt-reading";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        """{"ts": 1732270000.25, "channel": "temp", "value": 21.5, "unit": "degC"}"""u8.ToArray(),
        """{"channel": "humidity", "value": 48.25}"""u8.ToArray(),
        """{"channel": "accel_x", "value": null, "unit": "m/s2", "extra": {"a": [1, 2]}}"""u8.ToArray(),
        "21.5"u8.ToArray(),
        " -3e-2\n"u8.ToArray(),
        "null"u8.ToArray(),
    ];

    public override FuzzOutcome Run(byte[] input)
    {
        var accepted = false;
        if (MqttReadingParser.TryParse(input, ReceivedNs, out var reading, out var error))
        {
            Check(reading, input, dropoutAllowed: IsDropout(input));
            accepted = true;
        }
        else
        {
            RequireError(error);
        }

        if (MqttReadingParser.TryParseNumber(input, "topic-channel", ReceivedNs, out var number, out error))
        {
            Check(number, input, dropoutAllowed: Encoding.UTF8.GetString(input).Trim() == "null");
            accepted = true;
        }
        else
        {
            RequireError(error);
        }

        return accepted ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;
    }

    // A JSON reading may carry NaN only when some "value" member of it is null; a stricter check would repeat the parser.
    private static bool IsDropout(byte[] input) => Encoding.UTF8.GetString(input).Contains("null", StringComparison.Ordinal);

    private static void Check(SensorReading reading, byte[] input, bool dropoutAllowed)
    {
        if (string.IsNullOrEmpty(reading.Channel) || reading.Unit is null)
        {
            throw new InvalidOperationException("accepted a reading without a channel or unit: " + Encoding.UTF8.GetString(input));
        }

        if (double.IsInfinity(reading.Value) || (double.IsNaN(reading.Value) && !dropoutAllowed))
        {
            throw new InvalidOperationException($"accepted a non-finite value {reading.Value}: " + Encoding.UTF8.GetString(input));
        }

        if (reading.TimestampNs < 0)
        {
            throw new InvalidOperationException($"accepted a timestamp before the epoch ({reading.TimestampNs} ns)");
        }
    }

    private static void RequireError(string? error)
    {
        if (string.IsNullOrEmpty(error))
        {
            throw new InvalidOperationException("a refused reading has no error message");
        }
    }
}
