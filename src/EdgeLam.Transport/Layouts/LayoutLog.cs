using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Layouts;

/// <summary>Log messages of the live re-split on a node.</summary>
internal static partial class LayoutLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "{Node} prepared epoch {Epoch}: blocks [{First}, {End})")]
    public static partial void Prepared(ILogger logger, string node, uint epoch, int first, int end);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "{Node} committed epoch {Epoch} (hosts a range in it: {Hosted}; lost nodes: [{Lost}])")]
    public static partial void Committed(ILogger logger, string node, uint epoch, bool hosted, string lost);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "{Node} {Why} the layout of epoch {Epoch} ({Conversations} conversation caches freed)")]
    public static partial void Dropped(ILogger logger, string node, uint epoch, string why, int conversations);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Could not unsubscribe from {Topic}: {Reason}")]
    public static partial void UnsubscribeFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Conversation of request {Request} moves from epoch {From} to epoch {To} by {Method} at step {Step} ({Reason})")]
    public static partial void Moved(ILogger logger, ulong request, uint from, uint to, uint step, string method, string reason);
}
