using System.Diagnostics;

namespace EdgeLam.Inference.Chain;

/// <summary>
/// Makes a step take <c>factor</c> times its compute time, to emulate a slower board (<c>Node:Throttle</c>): after
/// the step's compute it waits (factor - 1) × that time. The wait really happens and is measured, so whoever times
/// the step (the chain's compute ticks, the node's capacity) sees the slower step, not a made-up figure.
/// </summary>
public static class StepThrottle
{
    /// <summary>The smallest factor: 1, no wait.</summary>
    public const double None = 1;

    /// <summary>The largest factor accepted.</summary>
    public const double Max = 1000;

    /// <summary>The last stretch of a wait spins instead of sleeping: a sleep has millisecond granularity.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000; // 1 ms

    /// <summary>Waits (<paramref name="factor"/> - 1) × <paramref name="computeTicks"/> and returns the Stopwatch ticks actually waited (0 for a factor of 1).</summary>
    public static long Wait(double factor, long computeTicks)
    {
        if (!(factor > None) || computeTicks <= 0)
        {
            return 0;
        }

        var start = Stopwatch.GetTimestamp();
        var until = start + (long)((Math.Min(factor, Max) - 1) * computeTicks);
        while (true)
        {
            var left = until - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                break;
            }

            if (left > SpinTicks)
            {
                Thread.Sleep(TimeSpan.FromTicks((left - SpinTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }
            else
            {
                Thread.SpinWait(64);
            }
        }

        return Stopwatch.GetTimestamp() - start;
    }
}
