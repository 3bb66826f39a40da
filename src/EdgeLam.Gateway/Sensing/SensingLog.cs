using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Sensing;

/// <summary>Log messages of the sensor request pump.</summary>
internal static partial class SensingLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Sensing pump: streams {Streams}, grouping {Grouping}, {MaxNewTokens} tokens per request, at most {MaxInFlight} in flight")]
    public static partial void Started(ILogger logger, string streams, string grouping, int maxNewTokens, int maxInFlight);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Gateway busy ({MaxInFlight} requests in flight): dropped {Windows} window(s) since the last report, latest of {Streams} ({Dropped} dropped so far; reported at most every 30 s)")]
    public static partial void Busy(ILogger logger, int maxInFlight, int windows, string streams, long dropped);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Error, Message = "Sensor request from {Streams} failed: {Reason} ({Failed} failed so far); the pump goes on")]
    public static partial void RequestFailed(ILogger logger, string streams, string reason, long failed);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Debug, Message = "Sensor request {Request} from {Streams}: {Positions} positions, {Tokens} token(s) generated")]
    public static partial void RequestCompleted(ILogger logger, ulong request, string streams, int positions, int tokens);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "MQTT reading on {Topic} rejected: {Reason} ({Unlogged} more rejected since the last such line, {Rejected} in all; at most one line every 10 s)")]
    public static partial void ReadingRejected(ILogger logger, string topic, string reason, long unlogged, long rejected);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Information, Message = "MQTT readings: subscribed to {Filter} for device(s) {Devices}")]
    public static partial void ReadingsSubscribed(ILogger logger, string filter, string devices);
}
