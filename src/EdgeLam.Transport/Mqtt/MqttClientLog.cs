using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Mqtt;

internal static partial class MqttClientLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "MQTT connected to {Host}:{Port} as '{ClientId}' (session present: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId, bool sessionPresent);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "MQTT connection refused by broker: reason {ReasonCode}")]
    public static partial void ConnectRefused(ILogger logger, int reasonCode);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "MQTT disconnected (reason {ReasonCode})")]
    public static partial void Disconnected(ILogger logger, int reasonCode);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "MQTT connect to {Host}:{Port} failed, attempt {Attempt}, retrying in {DelayMs} ms: {Error}")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, int attempt, long delayMs, string error);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "MQTT outgoing queue full ({Capacity}): dropped message for '{Topic}' (dropped so far: {Dropped})")]
    public static partial void OutgoingDropped(ILogger logger, int capacity, string topic, long dropped);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "MQTT publish to '{Topic}' rejected (rejected so far: {Rejected})")]
    public static partial void OutgoingRejected(ILogger logger, Exception exception, string topic, long rejected);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "MQTT incoming queue full ({Capacity}): dropped message on '{Topic}' (dropped so far: {Dropped})")]
    public static partial void IncomingDropped(ILogger logger, int capacity, string topic, long dropped);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Error, Message = "MQTT message handler failed on '{Topic}' (faults so far: {Faults})")]
    public static partial void ConsumerFault(ILogger logger, Exception exception, string topic, long faults);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "MQTT callback failed on the network thread (faults so far: {Faults})")]
    public static partial void CallbackFault(ILogger logger, Exception exception, long faults);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "libmosquitto: {Message}")]
    public static partial void Library(ILogger logger, string message);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "MQTT subscription '{Filter}' refused by broker: {Code}")]
    public static partial void SubscribeRefused(ILogger logger, string filter, int code);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "MQTT publish to '{Topic}' refused by broker: reason {ReasonCode} (rejected so far: {Rejected})")]
    public static partial void OutgoingRefused(ILogger logger, string topic, int reasonCode, long rejected);
}
