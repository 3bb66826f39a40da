using System.Globalization;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Offline;

/// <summary>
/// The offline queue's segment files (<c>000000000001.seg</c>, …): appends to the newest one (a new one once it holds
/// <c>segmentBytes</c>, and after a failed write, so nothing is ever written after a partial record), fsyncs each
/// append, reads a record back, cuts a segment at a torn record and deletes segments. Not thread-safe
/// (<see cref="OfflineQueue"/> serializes it).
/// </summary>
internal sealed class OfflineSegments(string directory, long segmentBytes, ILogger logger) : IDisposable
{
    /// <summary>The segment files' extension.</summary>
    public const string Extension = ".seg";

    private FileStream? _tail;

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

    /// <summary>Appends <paramref name="record"/> to the tail and fsyncs; where it went, or null when the disk refused it (logged).</summary>
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
                _tail = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
                _tail.Seek(0, SeekOrigin.End);
            }

            start = _tail.Length;
            _tail.Write(record);
            _tail.Flush(flushToDisk: true);
            return (Tail, start);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OfflineLog.WriteFailed(logger, path, e.Message);
            try
            {
                _tail?.SetLength(start); // leave no partial record behind; if this fails too, recovery cuts it
            }
            catch (IOException)
            {
            }

            _tail?.Dispose();
            _tail = null;
            Tail++;
            return null;
        }
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

    private string PathOf(long number) => System.IO.Path.Combine(directory, number.ToString("D12", CultureInfo.InvariantCulture) + Extension);
}
