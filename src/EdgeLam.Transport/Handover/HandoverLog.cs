using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Handover;

/// <summary>Log messages of the KV handover (events 3110–3119).</summary>
internal static partial class HandoverLog
{
    [LoggerMessage(EventId = 3110, Level = LogLevel.Information, Message = "Conversation {Conversation} handed over from epoch {From} to epoch {To} at {Positions} positions: {Bytes} bytes over the broker in {Ms:F1} ms")]
    public static partial void HandedOver(ILogger logger, Guid conversation, uint from, uint to, int positions, long bytes, double ms);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "KV handover of conversation {Conversation} from epoch {From} to epoch {To} failed ({Reason}); it moves by replay")]
    public static partial void Failed(ILogger logger, Guid conversation, uint from, uint to, string reason);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "{Node} refused a KV handover message on {Topic}: {Reason} (refused so far: {Count})")]
    public static partial void Rejected(ILogger logger, string node, string topic, string reason, long count);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Debug, Message = "{Node} took over conversation {Conversation} on epoch {Epoch} at {Positions} positions ({Bytes} bytes of KV)")]
    public static partial void Imported(ILogger logger, string node, Guid conversation, uint epoch, int positions, long bytes);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Debug, Message = "{Node} sent the KV of {Blocks} block(s) of conversation {Conversation} from epoch {From}")]
    public static partial void Sent(ILogger logger, string node, int blocks, Guid conversation, uint from);
}
