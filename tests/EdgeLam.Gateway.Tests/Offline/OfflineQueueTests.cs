using EdgeLam.Gateway.Offline;
using EdgeLam.Testing;

namespace EdgeLam.Gateway.Tests.Offline;

public sealed class OfflineQueueTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly SteppedTime _time = new(Start);

    public void Dispose() => _dir.Dispose();

    private string QueueDir => _dir.Combine("offline");

    private OfflineQueue Open(int maxWindows = 100, long maxBytes = 1 << 20, int maxAttempts = 3, TimeSpan? ttl = null) =>
        OfflineQueue.Open(QueueDir, new OfflineOptions { Enabled = true, MaxWindows = maxWindows, MaxBytes = maxBytes, MaxAttempts = maxAttempts, Ttl = ttl ?? TimeSpan.FromHours(1) }, _time);

    private OfflineWindow Window(int i, DateTimeOffset? created = null) =>
        OfflineRecordCodecTests.Window("s" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), (created ?? _time.GetUtcNow()).ToUnixTimeMilliseconds());

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

    [Fact]
    public void Enqueue_ThreeWindows_PeekedOldestFirstAndGoneWhenCompleted()
    {
        using var queue = Open();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(queue.Enqueue(Window(i)));
        }

        Assert.Equal(3, queue.Count);
        Assert.Equal(["s0000", "s0001", "s0002"], DrainIds(queue));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Bytes);
        Assert.Empty(queue.Drops);
    }

    [Fact]
    public void Open_AfterReopen_QueuedWindowsBackAndDeliveredOnesNot()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 4; i++)
            {
                queue.Enqueue(Window(i));
            }

            queue.Complete(queue.Peek()!.Sequence);
        }

        using var reopened = Open();
        Assert.Equal(3, reopened.Count);
        Assert.Equal(["s0001", "s0002", "s0003"], DrainIds(reopened));
        reopened.Enqueue(Window(9));
        Assert.Equal(["s0009"], DrainIds(reopened));
    }

    [Fact]
    public void Open_TornTailAfterACrash_WholeRecordsKeptTornOneDroppedAndCounted()
    {
        using (var queue = Open())
        {
            queue.Enqueue(Window(0));
            queue.Enqueue(Window(1));
        }

        // A crash in the middle of the next append: half of a third record at the end of the segment.
        var segment = Directory.GetFiles(QueueDir, "*" + OfflineQueue.Extension).Single();
        var third = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 3, Window(2)));
        var before = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(third.AsSpan(0, third.Length / 2));
        }

        using var reopened = Open();
        Assert.Equal(1, reopened.Drops["torn"]);
        Assert.Equal(before, new FileInfo(segment).Length);
        Assert.Equal(["s0000", "s0001"], DrainIds(reopened));
    }

    [Fact]
    public void Open_CorruptRecordInTheMiddle_EarlierKeptRestOfThatSegmentDropped()
    {
        using (var queue = Open())
        {
            for (var i = 0; i < 3; i++)
            {
                queue.Enqueue(Window(i));
            }
        }

        var segment = Directory.GetFiles(QueueDir, "*" + OfflineQueue.Extension).Single();
        var bytes = File.ReadAllBytes(segment);
        var one = bytes.Length / 3;
        bytes[one + 20] ^= 0xFF; // inside the second record
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();
        Assert.Equal(1, reopened.Drops["torn"]);
        Assert.Equal(["s0000"], DrainIds(reopened));
    }

    [Fact]
    public void Enqueue_MaxWindowsReached_OldestDroppedAndCountedAsCapWindows()
    {
        using var queue = Open(maxWindows: 3);
        var dropped = new List<string>();
        queue.Dropped += dropped.Add;
        for (var i = 0; i < 5; i++)
        {
            Assert.True(queue.Enqueue(Window(i)));
        }

        Assert.Equal(["cap-windows", "cap-windows"], dropped);
        Assert.Equal(2, queue.Drops["cap-windows"]);
        Assert.Equal(["s0002", "s0003", "s0004"], DrainIds(queue));
    }

    [Fact]
    public void Enqueue_MaxBytesReached_OldestDroppedUntilTheNewOneFits()
    {
        var size = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 1, Window(0))).Length;
        var maxBytes = Math.Max(64 << 10, size * 3);
        using var queue = Open(maxWindows: 1_000, maxBytes: maxBytes);
        var fit = (int)(maxBytes / size);
        for (var i = 0; i < fit + 2; i++)
        {
            queue.Enqueue(Window(i));
        }

        Assert.Equal(2, queue.Drops["cap-bytes"]);
        Assert.Equal(fit, queue.Count);
        Assert.True(queue.Bytes <= maxBytes);
        Assert.Equal("s0002", queue.Peek()!.Window.Id);
    }

    [Fact]
    public void Enqueue_RecordLargerThanMaxBytes_NotQueuedCountedAsTooLarge()
    {
        using var queue = Open(maxBytes: 64 << 10);
        var huge = Window(0) with { Parts = [new(null, new float[20_000], 10)] };

        Assert.False(queue.Enqueue(huge));
        Assert.Equal(1, queue.Drops["too-large"]);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Peek_WindowsOlderThanTtl_DroppedAsExpiredYoungerDelivered()
    {
        using var queue = Open(ttl: TimeSpan.FromMinutes(10));
        queue.Enqueue(Window(0));
        _time.Advance(TimeSpan.FromMinutes(6));
        queue.Enqueue(Window(1));
        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(["s0001"], DrainIds(queue));
        Assert.Equal(1, queue.Drops["expired"]);
    }

    [Fact]
    public void Open_ExpiredWhileTheDaemonWasDown_DroppedAtTheFirstPeek()
    {
        using (var queue = Open(ttl: TimeSpan.FromMinutes(1)))
        {
            queue.Enqueue(Window(0));
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        using var reopened = Open(ttl: TimeSpan.FromMinutes(1));
        Assert.Null(reopened.Peek());
        Assert.Equal(1, reopened.Drops["expired"]);
    }

    [Fact]
    public void Fail_MaxAttemptsTimes_DroppedAsAttemptsAndCountSurvivesReopen()
    {
        using (var queue = Open(maxAttempts: 3))
        {
            queue.Enqueue(Window(0));
            queue.Enqueue(Window(1));
            var head = queue.Peek()!;
            Assert.False(queue.Fail(head.Sequence));
            Assert.False(queue.Fail(head.Sequence));
        }

        using var reopened = Open(maxAttempts: 3);
        var again = reopened.Peek()!;
        Assert.Equal(2, again.Attempts);
        Assert.True(reopened.Fail(again.Sequence));
        Assert.Equal(1, reopened.Drops["attempts"]);
        Assert.Equal(["s0001"], DrainIds(reopened));
    }

    [Fact]
    public void Complete_ManyWindowsOverSeveralSegments_EmptySegmentFilesDeleted()
    {
        using var queue = Open(maxWindows: 10_000, maxBytes: 64 << 10); // 8 KiB segments
        for (var i = 0; i < 60; i++)
        {
            queue.Enqueue(Window(i));
        }

        var full = Directory.GetFiles(QueueDir, "*" + OfflineQueue.Extension).Length;
        Assert.True(full > 2, full + " segments");
        Assert.Equal(60, DrainIds(queue).Count);
        Assert.Single(Directory.GetFiles(QueueDir, "*" + OfflineQueue.Extension)); // only the one appended to
    }

    [Fact]
    public void Open_RemovalMarkInALaterSegment_WindowStaysRemovedAfterReopen()
    {
        // Windows 0..n fill several segments; delivering the second-oldest writes its mark into the newest segment
        // while the oldest window still holds the first segment.
        List<string> expected;
        using (var queue = Open(maxWindows: 10_000, maxBytes: 64 << 10))
        {
            for (var i = 0; i < 40; i++)
            {
                queue.Enqueue(Window(i));
            }

            var oldest = queue.Peek()!;
            queue.Complete(oldest.Sequence);
            var second = queue.Peek()!;
            queue.Complete(second.Sequence);
            expected = [.. Enumerable.Range(2, 38).Select(i => "s" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))];
        }

        using var reopened = Open(maxWindows: 10_000, maxBytes: 64 << 10);
        Assert.Equal(expected, DrainIds(reopened));
    }
}
