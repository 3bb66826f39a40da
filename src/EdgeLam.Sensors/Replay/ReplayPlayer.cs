using System.Diagnostics;
using EdgeLam.Sensors.Model;

namespace EdgeLam.Sensors.Replay;

/// <summary>
/// Plays recorded readings into a sink at the recorded pace divided by <see cref="Speed"/> (1 = real time, 10 = ten times
/// faster, 0 = as fast as possible). Timestamps are delivered as recorded, so windows see the original spacing.
/// </summary>
public sealed class ReplayPlayer
{
    public ReplayPlayer(ReplayFile file, double speed, bool loop = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(speed);
        File = file;
        Speed = speed;
        Loop = loop;
    }

    public ReplayFile File { get; }

    public double Speed { get; }

    public bool Loop { get; }

    /// <summary>When each reading is due relative to the first, in wall-clock nanoseconds at this speed.</summary>
    public long DueOffsetNs(int index) =>
        Speed == 0 ? 0 : (long)((File.Readings[index].TimestampNs - File.Readings[0].TimestampNs) / Speed);

    public async Task PlayAsync(IReadingSink sink, CancellationToken cancellationToken)
    {
        var readings = File.Readings;
        if (readings.Count == 0)
        {
            return;
        }

        var shiftNs = 0L;
        var span = readings[^1].TimestampNs - readings[0].TimestampNs;
        do
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < readings.Count; i++)
            {
                var wait = TimeSpan.FromTicks(DueOffsetNs(i) / 100) - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                var r = readings[i];
                sink.OnReading(r with { TimestampNs = r.TimestampNs + shiftNs });
            }

            shiftNs += span + (span / Math.Max(1, readings.Count - 1));
        }
        while (Loop && !cancellationToken.IsCancellationRequested);
    }
}
