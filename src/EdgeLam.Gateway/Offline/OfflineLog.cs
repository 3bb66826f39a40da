using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Offline;

/// <summary>Log messages of the offline queue and its delivery.</summary>
internal static partial class OfflineLog
{
    [LoggerMessage(EventId = 7300, Level = LogLevel.Information, Message = "Offline queue {Directory}: {Windows} window(s), {Bytes} bytes recovered ({Segments} segment file(s)); at most {MaxWindows} windows, {MaxBytes} bytes, {Ttl} old")]
    public static partial void Opened(ILogger logger, string directory, int windows, long bytes, int segments, int maxWindows, long maxBytes, TimeSpan ttl);

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Offline queue: segment {Segment} ends in a torn or corrupt record at byte {Offset} ({Problem}); the {Bytes} bytes from there were dropped")]
    public static partial void TornTail(ILogger logger, string segment, long offset, string problem, long bytes);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "Offline queue: dropped window {Id} ({Reason}); {Unlogged} more dropped since the last such line, {Dropped} in all (at most one line every 30 s)")]
    public static partial void Dropped(ILogger logger, string id, string reason, long unlogged, long dropped);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Error, Message = "Offline queue: cannot write {Path}: {Reason}")]
    public static partial void WriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 7310, Level = LogLevel.Error, Message = "Offline queue: cannot write {Path}: {Reason}; windows are dropped ({DropReason}) until a write succeeds again (one line for the whole episode)")]
    public static partial void WritesRefused(ILogger logger, string path, string reason, string dropReason);

    [LoggerMessage(EventId = 7311, Level = LogLevel.Information, Message = "Offline queue: writing {Path} succeeds again after {Refused} refused write(s)")]
    public static partial void WritesResumed(ILogger logger, string path, long refused);

    [LoggerMessage(EventId = 7304, Level = LogLevel.Debug, Message = "Offline: queued sensor request {Id} ({Windows} queued)")]
    public static partial void Queued(ILogger logger, string id, int windows);

    [LoggerMessage(EventId = 7305, Level = LogLevel.Debug, Message = "Offline: delivered sensor request {Id} ({Windows} still queued)")]
    public static partial void Delivered(ILogger logger, string id, int windows);

    [LoggerMessage(EventId = 7306, Level = LogLevel.Information, Message = "Offline: broker back; delivering {Windows} queued sensor request(s)")]
    public static partial void Draining(ILogger logger, int windows);

    [LoggerMessage(EventId = 7307, Level = LogLevel.Information, Message = "Offline: queue drained ({Delivered} delivered in {Seconds:0.0} s)")]
    public static partial void Drained(ILogger logger, long delivered, double seconds);

    [LoggerMessage(EventId = 7308, Level = LogLevel.Warning, Message = "Offline: queued sensor request {Id} failed while the broker was up (attempt {Attempt} of {MaxAttempts}): {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string id, int attempt, int maxAttempts, string reason);

    [LoggerMessage(EventId = 7309, Level = LogLevel.Error, Message = "Offline queue {Directory} cannot open: {Reason}; sensor requests are not queued while the broker is away")]
    public static partial void CannotOpen(ILogger logger, string directory, string reason);
}
