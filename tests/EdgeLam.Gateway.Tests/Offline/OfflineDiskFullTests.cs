using System.Collections.Concurrent;
using System.Globalization;
using EdgeLam.Gateway.Offline;
using EdgeLam.Gateway.Tests.Security;
using EdgeLam.Transport.Roles;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Tests.Offline;

/// <summary>
/// Fault matrix row "disk full for the offline queue" (docs/reliability.md): the queue on a real 256 KiB tmpfs that a
/// filler file fills until writes fail with ENOSPC, then frees again.
/// </summary>
public sealed class OfflineDiskFullTests : IDisposable
{
    private const int WindowsRefused = 12;
    private readonly SmallTmpfs _fs = new(256); // a skipped test never constructs the class
    private readonly RecordingLoggerProvider _log = new();
    private readonly ILogger _logger;

    public OfflineDiskFullTests()
    {
        _logger = _log.CreateLogger("offline");
    }

    public void Dispose()
    {
        _fs.Dispose();
        _log.Dispose();
    }

    private string QueueDir => Path.Combine(_fs.Path, "offline");

    /// <summary>A window whose record (about 5 KB) is larger than a page, so a full tmpfs refuses it.</summary>
    private static OfflineWindow Window(int i) =>
        OfflineRecordCodecTests.Window("s" + i.ToString("D4", CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), tokens: 600);

    /// <summary>A window whose record (about 200 bytes) fits in what a page has left.</summary>
    private static OfflineWindow SmallWindow(int i) =>
        OfflineRecordCodecTests.Window("s" + i.ToString("D4", CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private string[] SegmentFiles() => [.. Directory.GetFiles(QueueDir, "*" + OfflineQueue.Extension).Order(StringComparer.Ordinal)];

    private OfflineQueue Open() =>
        OfflineQueue.Open(QueueDir, new OfflineOptions { Enabled = true, MaxWindows = 1000, MaxBytes = 1 << 20 }, logger: _logger);

    private int Logged(int eventId) => _log.Entries.Count(e => e.EventId == eventId);

    private static List<string> DrainIds(OfflineQueue queue)
    {
        var ids = new List<string>();
        while (queue.Peek() is { } head)
        {
            ids.Add(head.Window.Id);
            queue.Complete(head.Sequence);
        }

        return ids;
    }

    [TmpfsFact]
    public void Enqueue_DiskFull_RefusedWindowsDroppedAsDiskFullLoggedOnceAndQueuedOnesDeliveredWhenSpaceBack()
    {
        List<string> queued = [];
        using (var queue = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.True(queue.Enqueue(Window(i)));
                queued.Add(Window(i).Id);
            }

            var segments = SegmentFiles();
            Assert.True(_fs.Fill() > 0);
            for (var i = 100; i < 100 + WindowsRefused; i++)
            {
                Assert.False(queue.Enqueue(Window(i))); // never throws
            }

            Assert.Equal(WindowsRefused, queue.Drops["disk-full"]);
            Assert.Equal(5, queue.Count);
            Assert.Equal(segments, SegmentFiles()); // no empty segment file per refused window
            Assert.Equal(1, Logged(7310)); // one line for the episode, not one per window
            Assert.Equal(0, Logged(7302));
            Assert.Equal(0, Logged(7311));

            // Small windows fill what is left of the last page, then one is refused part-written: never thrown out.
            var small = 300;
            for (; small < 400 && queue.Enqueue(SmallWindow(small)); small++)
            {
                queued.Add(SmallWindow(small).Id);
            }

            Assert.InRange(small, 300, 399);
            Assert.Equal(WindowsRefused + 1, queue.Drops["disk-full"]);
            Assert.False(queue.Enqueue(SmallWindow(small + 1)));
            Assert.Equal(queued.Count, queue.Count);
            var stored = small > 300 ? 1 : 0; // a small write that succeeded ends the episode; the next refusal starts one
            Assert.Equal(1 + stored, Logged(7310));
            Assert.Equal(stored, Logged(7311));
            Assert.Equal(0, Logged(7302));
        }

        using (var queue = Open()) // the partial record ENOSPC wrote was cut at once: nothing torn, nothing lost
        {
            Assert.False(queue.Drops.ContainsKey("torn"));
            Assert.Equal(queued.Count, queue.Count);
            Assert.False(queue.Enqueue(Window(200))); // still full
            Assert.Equal(1, queue.Drops["disk-full"]);

            var resumed = Logged(7311);
            _fs.Free();
            for (var i = 5; i < 8; i++)
            {
                Assert.True(queue.Enqueue(Window(i)));
                queued.Add(Window(i).Id);
            }

            Assert.Equal(resumed + 1, Logged(7311)); // the episode's end
            Assert.Equal(queued, DrainIds(queue));
        }

        using (var queue = Open())
        {
            Assert.Equal(0, queue.Count);
            Assert.Empty(queue.Drops);
        }
    }

    [TmpfsFact]
    public void Enqueue_DiskFullWithQueueAtWindowCap_RefusedWindowCostsNoQueuedOne()
    {
        using var queue = OfflineQueue.Open(QueueDir, new OfflineOptions { Enabled = true, MaxWindows = 3, MaxBytes = 1 << 20 }, logger: _logger);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(queue.Enqueue(Window(i)));
        }

        _fs.Fill();
        Assert.False(queue.Enqueue(Window(3)));
        Assert.Equal(3, queue.Count);
        Assert.False(queue.Drops.ContainsKey("cap-windows"));
        _fs.Free();
        Assert.True(queue.Enqueue(Window(4))); // now the cap drops the oldest
        Assert.Equal(1, queue.Drops["cap-windows"]);
        Assert.Equal(["s0001", "s0002", "s0004"], DrainIds(queue));
    }

    [TmpfsFact]
    public void Open_TornRecordLeftAtDiskFull_CutCountedAndQueuedWindowsKept()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(queue.Enqueue(Window(i)));
            }
        }

        // A crash between the partial write and its cut: append a whole record to the newest segment until ENOSPC.
        var segment = SegmentFiles()[^1];
        var before = new FileInfo(segment).Length;
        _fs.Fill();
        var record = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 4, Window(3)));
        using (var file = new FileStream(segment, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            Assert.Throws<IOException>(() => file.Write(record));
        }

        var torn = new FileInfo(segment).Length - before;
        Assert.InRange(torn, 1, record.Length - 1); // a partial record is on disk

        using (var queue = Open()) // recovered while the disk is still full
        {
            Assert.Equal(1, queue.Drops["torn"]);
            Assert.Equal(3, queue.Count);
            Assert.Equal(before, new FileInfo(segment).Length);
            _fs.Free();
            Assert.True(queue.Enqueue(Window(4)));
            Assert.Equal(["s0000", "s0001", "s0002", "s0004"], DrainIds(queue));
        }
    }

    [TmpfsFact]
    public async Task RunAsync_DiskFullWhileOffline_DeferRefusedWithoutThrowingAndQueuedOnesSentOnceWhenBack()
    {
        var online = false;
        using var queue = Open();
        var delivery = new OfflineDelivery(queue, () => Volatile.Read(ref online), 2, logger: _logger);
        static GatewayRequest Request(int i) => new GatewayRequest { Id = "s" + i }.AddTokens([.. Enumerable.Range(0, 600).Select(t => (long)t)]);

        Assert.True(delivery.Defer(Request(0)));
        Assert.True(delivery.Defer(Request(1)));
        _fs.Fill();
        for (var i = 2; i < 2 + WindowsRefused; i++)
        {
            Assert.False(delivery.Defer(Request(i)));
        }

        _fs.Free();
        Assert.True(delivery.Defer(Request(99)));
        Assert.Equal(WindowsRefused, queue.Drops["disk-full"]);

        var sent = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var run = delivery.RunAsync(r => { sent.Enqueue(r.Id!); return Task.CompletedTask; }, stop.Token);
        Volatile.Write(ref online, true);
        Assert.True(ResultCollector.Eventually(() => queue.Count == 0, TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["s0", "s1", "s99"], sent);
    }
}
