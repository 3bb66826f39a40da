namespace EdgeLam.Testing;

/// <summary>
/// A clock whose two faces move apart, as a real one's do when NTP steps it or an operator sets it: the monotonic
/// timestamp moves only by <see cref="Advance"/>, the wall clock by <see cref="Advance"/> and by <see cref="Jump"/>
/// (forward or back). Code that measures durations with <see cref="TimeProvider.GetTimestamp"/> sees no jump.
/// </summary>
internal sealed class JumpingClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks;
    private TimeSpan _jumped;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks)) + _jumped;

    /// <summary>Time passes: both faces move.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>The wall clock is set: only it moves.</summary>
    public void Jump(TimeSpan by) => _jumped += by;
}
