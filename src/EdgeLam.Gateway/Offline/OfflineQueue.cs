using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Gateway.Offline;

/// <summary>A window at the head of the queue: its sequence number, failed sends so far and the request.</summary>
public sealed record QueuedWindow(ulong Sequence, int Attempts, OfflineWindow Window);

/// <summary>
/// The offline gateway's bounded on-disk FIFO of sensor requests (docs/offline.md). Records
/// (<see cref="OfflineRecordCodec"/>) are appended to numbered segment files (<c>000000000001.seg</c>, …) and each append
/// is fsynced before it returns. A window leaves the queue by a <see cref="OfflineRecordKind.Removed"/> record
/// (delivered, expired, dropped for a cap, out of attempts); a segment file is deleted once it and every older one
/// hold no queued window. <see cref="Open"/> replays the segments: a segment that ends in a torn or corrupt record is
/// cut there (counted as <c>torn</c>). Caps: <see cref="OfflineOptions.MaxWindows"/> windows and
/// <see cref="OfflineOptions.MaxBytes"/> bytes of queued window records (the files may exceed it by the removal marks
/// and one segment); the oldest windows are dropped to make room, windows older than <see cref="OfflineOptions.Ttl"/>
/// are dropped instead of delivered, each drop counted by reason (<see cref="Drops"/>, <see cref="Dropped"/>) and logged.
/// Thread-safe.
/// </summary>
public sealed class OfflineQueue : IDisposable
{
    /// <summary>The segment files' extension.</summary>
    public const string Extension = ".seg";

    private static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(30);

    private readonly OfflineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<ulong, Entry> _live = [];
    private readonly SortedDictionary<long, int> _segments = []; // segment number → queued windows in it
    private readonly Dictionary<string, long> _drops = new(StringComparer.Ordinal);
    private readonly long _segmentBytes;
    private FileStream? _tail;
    private long _tailNumber;
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
        _segmentBytes = Math.Clamp(options.MaxBytes / 8, 4096, 1 << 20);
    }

    /// <summary>The queue's folder.</summary>
    public string Directory { get; }

    /// <summary>Raised with the reason of every window dropped (<c>expired</c>, <c>cap-windows</c>, <c>cap-bytes</c>, <c>attempts</c>, <c>corrupt</c>, <c>torn</c>, <c>too-large</c>, <c>disk</c>).</summary>
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
    /// False when it was not queued: larger than the byte cap, or the disk refused it (counted and logged).
    /// </summary>
    public bool Enqueue(OfflineWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        lock (_gate)
        {
            var record = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, _next, window));
            if (record.Length > _options.MaxBytes)
            {
                Drop(window.Id, "too-large");
                return false;
            }

            ExpireLocked();
            while (_live.Count > 0 && (_live.Count >= _options.MaxWindows || _bytes + record.Length > _options.MaxBytes))
            {
                var (sequence, oldest) = _live.First();
                RemoveLocked(sequence, oldest, _live.Count >= _options.MaxWindows ? OfflineRemoval.CapWindows : OfflineRemoval.CapBytes);
            }

            if (Append(record) is not { } offset)
            {
                Drop(window.Id, "disk");
                return false;
            }

            _live[_next] = new Entry(window.Id, _tailNumber, offset, record.Length, window.CreatedUnixMs);
            _segments[_tailNumber] = _segments.GetValueOrDefault(_tailNumber) + 1;
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
                if (Read(entry) is { } window)
                {
                    return new QueuedWindow(sequence, entry.Attempts, window);
                }

                RemoveLocked(sequence, entry, OfflineRemoval.Corrupt);
            }

            return null;
        }
    }

    /// <summary>The window with <paramref name="sequence"/> was delivered: it leaves the queue.</summary>
    public void Complete(ulong sequence)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(sequence, out var entry))
            {
                RemoveLocked(sequence, entry, OfflineRemoval.Delivered);
            }
        }
    }

    /// <summary>The window with <paramref name="sequence"/> cannot become a request again: it is dropped (<c>corrupt</c>).</summary>
    public void Discard(ulong sequence)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(sequence, out var entry))
            {
                RemoveLocked(sequence, entry, OfflineRemoval.Corrupt);
            }
        }
    }

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
            _tail?.Dispose();
            _tail = null;
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

    private void Recover()
    {
        var files = System.IO.Directory.GetFiles(Directory, "*" + Extension)
            .Select(p => (Path: p, Number: long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Number > 0)
            .OrderBy(f => f.Number)
            .ToList();
        foreach (var (path, number) in files)
        {
            var bytes = File.ReadAllBytes(path);
            _segments[number] = 0;
            _tailNumber = number;
            var offset = 0;
            while (offset < bytes.Length)
            {
                if (OfflineRecordCodec.Decode(bytes.AsSpan(offset), out var record, out var length, out var problem) != OfflineDecodeStatus.Ok)
                {
                    OfflineLog.TornTail(_logger, path, offset, problem ?? "unreadable", bytes.Length - offset);
                    CountDrop("torn");
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                    file.SetLength(offset);
                    file.Flush(flushToDisk: true);
                    break;
                }

                Replay(record!, number, offset, length);
                offset += length;
            }
        }

        TrimLocked();
        _tailNumber++; // appends go to a new segment: a recovered one may end where a write was cut
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

    /// <summary>Deletes segment files from the oldest on while they hold no queued window (never the one appended to).</summary>
    private void TrimLocked()
    {
        while (_segments.Count > 0 && _segments.First() is var (number, windows) && windows == 0 && (number != _tailNumber || _tail is null))
        {
            var path = SegmentPath(number);
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                OfflineLog.WriteFailed(_logger, path, e.Message);
                return;
            }

            _segments.Remove(number);
        }
    }

    /// <summary>Appends one record to the tail segment (a new one when it is full) and fsyncs; its offset, or null when the disk refused it.</summary>
    private long? Append(byte[] record)
    {
        var path = SegmentPath(_tailNumber);
        long start = 0;
        try
        {
            if (_tail is not null && _tail.Length >= _segmentBytes)
            {
                _tail.Dispose();
                _tail = null;
                _tailNumber++;
                TrimLocked();
            }

            path = SegmentPath(_tailNumber);
            if (_tail is null)
            {
                _tail = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
                _tail.Seek(0, SeekOrigin.End);
            }

            _segments.TryAdd(_tailNumber, 0);
            start = _tail.Length;
            _tail.Write(record);
            _tail.Flush(flushToDisk: true);
            return start;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OfflineLog.WriteFailed(_logger, path, e.Message);
            try
            {
                _tail?.SetLength(start); // leave no partial record behind; if this fails too, recovery cuts it
            }
            catch (IOException)
            {
            }

            // The next append starts a new segment, so nothing is ever written after a partial record.
            _tail?.Dispose();
            _tail = null;
            _tailNumber++;
            return null;
        }
    }

    private OfflineWindow? Read(Entry entry)
    {
        try
        {
            using var handle = File.OpenHandle(SegmentPath(entry.Segment));
            var bytes = new byte[entry.Length];
            if (RandomAccess.Read(handle, bytes, entry.Offset) == bytes.Length
                && OfflineRecordCodec.Decode(bytes, out var record, out _, out _) == OfflineDecodeStatus.Ok
                && record is { Kind: OfflineRecordKind.Window, Window: { } window })
            {
                return window;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OfflineLog.WriteFailed(_logger, SegmentPath(entry.Segment), "read: " + e.Message);
        }

        return null;
    }

    private void Drop(string id, string reason)
    {
        CountDrop(reason);
        var dropped = ++_dropped;
        var now = _time.GetUtcNow();
        if (now - _lastDropLog < DropLogInterval)
        {
            _unlogged++;
        }
        else
        {
            OfflineLog.Dropped(_logger, id, reason, _unlogged, dropped);
            _lastDropLog = now;
            _unlogged = 0;
        }
    }

    private void CountDrop(string reason)
    {
        _drops[reason] = _drops.GetValueOrDefault(reason) + 1;
        Dropped?.Invoke(reason);
    }

    private string SegmentPath(long number) => Path.Combine(Directory, number.ToString("D12", CultureInfo.InvariantCulture) + Extension);

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
