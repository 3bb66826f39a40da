using System.Globalization;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Offline;

/// <summary>
/// The offline queue's segment files (<c>000000000001.seg</c>, …): appends to the newest one (a new one once it holds
/// <c>segmentBytes</c>, and after a failed write it could not undo, so nothing is ever written after a partial record),
/// fsyncs each append (unbuffered: a refused write leaves nothing pending that a later call would retry), reads a record
/// back, cuts a segment at a torn record and deletes segments. Refused writes (a full disk: <see cref="DiskFull"/>) are
/// an episode, logged when it starts and when a write succeeds again. Not thread-safe (<see cref="OfflineQueue"/>
/// serializes it).
/// </summary>
internal sealed class OfflineSegments(string directory, long segmentBytes, ILogger logger) : IDisposable
{
    /// <summary>The segment files' extension.</summary>
    public const string Extension = ".seg";

    private const int Enospc = 28; // Linux errno, the HResult of .NET's IOException on Unix
    private const int Edquot = 122;
    private const int ErrorDiskFull = unchecked((int)0x80070070);
    private const int ErrorHandleDiskFull = unchecked((int)0x80070027);

    private FileStream? _tail;
    private long _refused;

    /// <summary>True while the last append was refused because the disk (or the user's quota) is full.</summary>
    public bool DiskFull { get; private set; }

    /// <summary>The segment appends go to (it may not exist yet).</summary>
    public long Tail { get; private set; } = 1;

    /// <summary>True while the tail segment is open for appends (it is never deleted then).</summary>
    public bool IsTailOpen => _tail is not null;

    /// <summary>The segments on disk, oldest first, with their bytes.</summary>
    public IEnumerable<(long Number, string Path, byte[] Bytes)> ReadAll()
    {
        var files = Directory.GetFiles(directory, "*" + Extension)
            .Select(p => (Path: p, Number: long.TryParse(System.IO.Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Number > 0)
            .OrderBy(f => f.Number)
            .ToList();
        foreach (var (path, number) in files)
        {
            Tail = number + 1; // appends go to a new segment: a recovered one may end where a write was cut
            yield return (number, path, File.ReadAllBytes(path));
        }
    }

    /// <summary>Cuts segment <paramref name="path"/> to <paramref name="length"/> bytes (dropping a torn tail) and fsyncs it.</summary>
    public static void Cut(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Appends <paramref name="record"/> to the tail and fsyncs; where it went, or null when the disk refused it. A
    /// partial record is cut off again at once; where that fails too, appends move to a new segment and recovery cuts it.
    /// </summary>
    public (long Segment, long Offset)? Append(byte[] record)
    {
        var path = PathOf(Tail);
        long start = 0;
        try
        {
            if (_tail is not null && _tail.Length >= segmentBytes)
            {
                _tail.Dispose();
                _tail = null;
                Tail++;
            }

            path = PathOf(Tail);
            if (_tail is null)
            {
                _tail = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
                _tail.Seek(0, SeekOrigin.End);
            }

            start = _tail.Length;
            _tail.Write(record);
            _tail.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Refused(path, start, e);
            return null;
        }

        if (_refused > 0)
        {
            OfflineLog.WritesResumed(logger, path, _refused);
            _refused = 0;
            DiskFull = false;
        }

        return (Tail, start);
    }

    /// <summary>The <paramref name="length"/> bytes at <paramref name="offset"/> of segment <paramref name="segment"/>, or null when they cannot be read (logged).</summary>
    public byte[]? Read(long segment, long offset, int length)
    {
        try
        {
            using var handle = File.OpenHandle(PathOf(segment));
            var bytes = new byte[length];
            return RandomAccess.Read(handle, bytes, offset) == length ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OfflineLog.WriteFailed(logger, PathOf(segment), "read: " + e.Message);
            return null;
        }
    }

    /// <summary>Deletes segment <paramref name="segment"/>; false when the disk refused (logged).</summary>
    public bool Delete(long segment)
    {
        try
        {
            File.Delete(PathOf(segment));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OfflineLog.WriteFailed(logger, PathOf(segment), e.Message);
            return false;
        }
    }

    public void Dispose()
    {
        _tail?.Dispose();
        _tail = null;
    }

    /// <summary>Counts and (once per episode) logs a refused append, and cuts off what it may have written after <paramref name="start"/>.</summary>
    private void Refused(string path, long start, Exception e)
    {
        DiskFull = e is IOException { HResult: Enospc or Edquot or ErrorDiskFull or ErrorHandleDiskFull };
        if (_refused++ == 0)
        {
            OfflineLog.WritesRefused(logger, path, e.Message, DiskFull ? "disk-full" : "disk");
        }

        if (_tail is null)
        {
            return; // nothing was written
        }

        try
        {
            _tail.SetLength(start); // leave no partial record behind: later appends may go on in this segment
            return;
        }
        catch (IOException)
        {
        }

        try
        {
            _tail.Dispose();
        }
        catch (IOException)
        {
        }

        _tail = null;
        Tail++;
    }

    private string PathOf(long number) => System.IO.Path.Combine(directory, number.ToString("D12", CultureInfo.InvariantCulture) + Extension);
}
