using System.Diagnostics;

namespace EdgeLam.Transport.Roles;

/// <summary>The clocks the roles stamp on steps: wall-clock µs (across nodes) and elapsed µs (within one).</summary>
internal static class RoleClock
{
    /// <summary>Microseconds since the Unix epoch (UTC).</summary>
    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    /// <summary><see cref="Stopwatch"/> ticks as microseconds.</summary>
    public static long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    /// <summary>Microseconds since <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public static long MicrosSince(long start) => Micros(Stopwatch.GetTimestamp() - start);
}
