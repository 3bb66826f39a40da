using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Gateway.Offline;

/// <summary>A window at the head of the queue: its sequence number, failed sends so far and the request.</summary>
public sealed record QueuedWindow(ulong Sequence, int Attempts, OfflineWindow Window);

/// <summary>
/// The offline gateway's bounded on-disk FIFO of sensor requests (docs/offline.md). Records
/// (<see cref="OfflineRecordCodec"/>) are appended to numbered segment files (<see cref="OfflineSegments"/>), each append
/// fsynced before it returns. A window leaves the queue by a <see cref="OfflineRecordKind.Removed"/> record
/// (delivered, expired, dropped for a cap, out of attempts); a segment file is deleted once it and every older one
/// hold no queued window, so a removal mark never outlives the window it removes. <see cref="Open"/> replays the
/// segments: a segment that ends in a torn or corrupt record is cut there (counted as <c>torn</c>). Caps:
/// <see cref="OfflineOptions.MaxWindows"/> windows and <see cref="OfflineOptions.MaxBytes"/> bytes of queued window
/// records (the files may exceed it by the removal marks and one segment); the oldest windows are dropped to make room,
/// windows older than <see cref="OfflineOptions.Ttl"/> are dropped instead of delivered, each drop counted by reason
/// (<see cref="Drops"/>, <see cref="Dropped"/>) and logged. A full disk drops the window being queued (<c>disk-full</c>),
/// never a queued one; a partial record it leaves is cut off at once or, after a crash, by <see cref="Open"/>. Thread-safe.
/// </summary>
public sealed class OfflineQueue : IDisposable
{
    /// <summary>The segment files' extension.</summary>
    public const string Extension = OfflineSegments.Extension;

    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(30);

    private readonly OfflineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OfflineSegments _files;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<ulong, Entry> _live = [];
    private readonly SortedDictionary<long, int> _segments = []; // segment number → queued windows in it
    private readonly Dictionary<string, long> _drops = new(StringComparer.Ordinal);
    private ulong _next = 1;
    private long _bytes;
    private long _dropped;
    private long _unlogged;
    private DateTimeOffset _lastDropLog = DateTimeOffset.MinValue;

    private OfflineQueue(string directory, OfflineOptions options, TimeProvider time, ILogger logger)
    {
        Directory = directory;
        _options = options;
        _time = time;
        _logger = logger;
        _files = new OfflineSegments(directory, Math.Clamp(options.MaxBytes / 8, 4096, 1 << 20), logger);
    }

    /// <summary>The queue's folder.</summary>
    public string Directory { get; }

    /// <summary>Raised with the reason of every window dropped (<c>expired</c>, <c>cap-windows</c>, <c>cap-bytes</c>, <c>attempts</c>, <c>corrupt</c>, <c>too-large</c>, <c>disk-full</c>, <c>disk</c>); a torn tail found by <see cref="Open"/> is only in <see cref="Drops"/>.</summary>
    public event Action<string>? Dropped;

    /// <summary>Windows queued.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>Bytes of the queued windows' records.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Windows dropped so far, by reason.</summary>
    public IReadOnlyDictionary<string, long> Drops
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_drops, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Opens (creating it when missing) the queue in <paramref name="directory"/> and recovers what its segments hold.</summary>
    /// <exception cref="IOException">The folder cannot be created or read.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or a segment is not accessible.</exception>
    public static OfflineQueue Open(string directory, OfflineOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        System.IO.Directory.CreateDirectory(directory);
        var queue = new OfflineQueue(directory, options, time ?? TimeProvider.System, logger ?? NullLogger.Instance);
        queue.Recover();
        return queue;
    }

    /// <summary>
    /// Appends <paramref name="window"/> (fsynced), first dropping expired windows and, oldest first, what the caps need.
    /// False when it was not queued: too large to store or larger than the byte cap (counted and logged), or the disk
    /// refused it (counted as <c>disk-full</c>, or <c>disk</c> for another write error; logged once per episode of refused writes).
    /// </summary>
    public bool Enqueue(OfflineWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        lock (_gate)
        {
            byte[] record;
            try
            {
                record = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, _next, window));
            }
            catch (ArgumentException)
            {
                Drop(window.Id, "too-large");
                return false;
            }

            if (record.Length > _options.MaxBytes)
            {
                Drop(window.Id, "too-large");
                return false;
            }

            ExpireLocked();
            if (Append(record) is not var (segment, offset))
            {
                // stored first, dropped for the caps after: a window the disk refuses costs no queued one
                Drop(window.Id, _files.DiskFull ? "disk-full" : "disk", log: false); // OfflineSegments logs the episode
                return false;
            }

            _segments[segment]++;
            while (_live.Count > 0 && (_live.Count >= _options.MaxWindows || _bytes + record.Length > _options.MaxBytes))
            {
                var (sequence, oldest) = _live.First();
                RemoveLocked(sequence, oldest, _live.Count >= _options.MaxWindows ? OfflineRemoval.CapWindows : OfflineRemoval.CapBytes);
            }

            _live[_next] = new Entry(window.Id, segment, offset, record.Length, window.CreatedUnixMs);
            _bytes += record.Length;
            _next++;
            return true;
        }
    }

    /// <summary>The oldest queued window that has not expired (expired ones are dropped on the way), or null.</summary>
    public QueuedWindow? Peek()
    {
        lock (_gate)
        {
            ExpireLocked();
            while (_live.Count > 0)
            {
                var (sequence, entry) = _live.First();
                if (_files.Read(entry.Segment, entry.Offset, entry.Length) is { } bytes
                    && OfflineRecordCodec.Decode(bytes, out var record, out _, out _) == OfflineDecodeStatus.Ok
                    && record is { Kind: OfflineRecordKind.Window, Window: { } window })
                {
                    return new QueuedWindow(sequence, entry.Attempts, window);
                }

                RemoveLocked(sequence, entry, OfflineRemoval.Corrupt);
            }

            return null;
        }
    }

    /// <summary>The window with <paramref name="sequence"/> was delivered: it leaves the queue.</summary>
    public void Complete(ulong sequence) => Remove(sequence, OfflineRemoval.Delivered);

    /// <summary>The window with <paramref name="sequence"/> cannot become a request again: it is dropped (<c>corrupt</c>).</summary>
    public void Discard(ulong sequence) => Remove(sequence, OfflineRemoval.Corrupt);

    /// <summary>
    /// One send of the window with <paramref name="sequence"/> failed while the broker was up: counted (persisted); at
    /// <see cref="OfflineOptions.MaxAttempts"/> the window is dropped (<c>attempts</c>) and this returns true.
    /// </summary>
    public bool Fail(ulong sequence)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(sequence, out var entry))
            {
                return false;
            }

            entry.Attempts++;
            if (entry.Attempts >= _options.MaxAttempts)
            {
                RemoveLocked(sequence, entry, OfflineRemoval.Attempts);
                return true;
            }

            _ = Append(OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Attempted, sequence)));
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _files.Dispose();
        }
    }

    /// <summary>The name of a reason a window leaves the queue without being delivered, as counted and tagged.</summary>
    public static string ReasonName(OfflineRemoval reason) => reason switch
    {
        OfflineRemoval.Expired => "expired",
        OfflineRemoval.CapWindows => "cap-windows",
        OfflineRemoval.CapBytes => "cap-bytes",
        OfflineRemoval.Attempts => "attempts",
        OfflineRemoval.Corrupt => "corrupt",
        _ => "delivered",
    };

    private void Remove(ulong sequence, OfflineRemoval reason)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(sequence, out var entry))
            {
                RemoveLocked(sequence, entry, reason);
            }
        }
    }

    private void Recover()
    {
        foreach (var (number, path, bytes) in _files.ReadAll())
        {
            _segments[number] = 0;
            var offset = 0;
            while (offset < bytes.Length)
            {
                if (OfflineRecordCodec.Decode(bytes.AsSpan(offset), out var record, out var length, out var problem) != OfflineDecodeStatus.Ok)
                {
                    OfflineLog.TornTail(_logger, path, offset, problem ?? "unreadable", bytes.Length - offset);
                    _drops["torn"] = _drops.GetValueOrDefault("torn") + 1;
                    OfflineSegments.Cut(path, offset);
                    break;
                }

                Replay(record!, number, offset, length);
                offset += length;
            }
        }

        TrimLocked();
        OfflineLog.Opened(_logger, Directory, _live.Count, _bytes, _segments.Count, _options.MaxWindows, _options.MaxBytes, _options.Ttl);
    }

    private void Replay(OfflineRecord record, long segment, long offset, int length)
    {
        _next = Math.Max(_next, record.Sequence + 1);
        switch (record.Kind)
        {
            case OfflineRecordKind.Window when !_live.ContainsKey(record.Sequence):
                _live[record.Sequence] = new Entry(record.Window!.Id, segment, offset, length, record.Window.CreatedUnixMs);
                _segments[segment]++;
                _bytes += length;
                break;
            case OfflineRecordKind.Removed when _live.Remove(record.Sequence, out var removed):
                _segments[removed.Segment]--;
                _bytes -= removed.Length;
                break;
            case OfflineRecordKind.Attempted when _live.TryGetValue(record.Sequence, out var attempted):
                attempted.Attempts++;
                break;
        }
    }

    private void ExpireLocked()
    {
        var oldest = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.Ttl.TotalMilliseconds;
        while (_live.Count > 0 && _live.First() is var (sequence, entry) && entry.CreatedUnixMs < oldest)
        {
            RemoveLocked(sequence, entry, OfflineRemoval.Expired);
        }
    }

    private void RemoveLocked(ulong sequence, Entry entry, OfflineRemoval reason)
    {
        _live.Remove(sequence);
        _segments[entry.Segment]--;
        _bytes -= entry.Length;
        _ = Append(OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Removed, sequence, Reason: reason)));
        if (reason != OfflineRemoval.Delivered)
        {
            Drop(entry.Id, ReasonName(reason));
        }

        TrimLocked();
    }

    /// <summary>Appends one record (a new segment is counted from its first record).</summary>
    private (long Segment, long Offset)? Append(byte[] record)
    {
        var at = _files.Append(record);
        if (at is var (segment, _))
        {
            _segments.TryAdd(segment, 0);
        }

        return at;
    }

    /// <summary>Deletes segment files from the oldest on while they hold no queued window (never the one appended to).</summary>
    private void TrimLocked()
    {
        while (_segments.Count > 0 && _segments.First() is var (number, windows) && windows == 0
            && (number != _files.Tail || !_files.IsTailOpen) && _files.Delete(number))
        {
            _segments.Remove(number);
        }
    }

    private void Drop(string id, string reason, bool log = true)
    {
        _drops[reason] = _drops.GetValueOrDefault(reason) + 1;
        Dropped?.Invoke(reason);
        var dropped = ++_dropped;
        if (!log)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (now - _lastDropLog < DropLogInterval)
        {
            _unlogged++;
            return;
        }

        OfflineLog.Dropped(_logger, id, reason, _unlogged, dropped);
        _lastDropLog = now;
        _unlogged = 0;
    }

    private sealed class Entry(string id, long segment, long offset, int length, long createdUnixMs)
    {
        public string Id { get; } = id;

        public long Segment { get; } = segment;

        public long Offset { get; } = offset;

        public int Length { get; } = length;

        public long CreatedUnixMs { get; } = createdUnixMs;

        public int Attempts { get; set; }
    }
}
