using System.Diagnostics;

namespace EdgeLam.Sensors.Model;

/// <summary>The monotonic time base of every sample: <see cref="Stopwatch"/> ticks converted to nanoseconds.</summary>
public static class MonotonicClock
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public static long NowNs => TicksToNs(Stopwatch.GetTimestamp());

    public static long TicksToNs(long ticks) =>
        Stopwatch.Frequency == 1_000_000_000 ? ticks : (long)(ticks * NanosecondsPerTick);
}
