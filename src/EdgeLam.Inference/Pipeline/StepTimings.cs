using System.Diagnostics;

namespace EdgeLam.Inference.Pipeline;

/// <summary>Where the time of one pipeline step went (reused between steps; copy what you keep).</summary>
public sealed class StepTimings
{
    private readonly long[] _segmentTicks;
    private readonly long[] _encodeTicks;
    private readonly long[] _decodeTicks;

    internal StepTimings(int segments)
    {
        _segmentTicks = new long[segments];
        _encodeTicks = new long[Math.Max(0, segments - 1)];
        _decodeTicks = new long[Math.Max(0, segments - 1)];
    }

    /// <summary>Positions the step added.</summary>
    public int Positions { get; internal set; }

    /// <summary>Stopwatch ticks in ORT per segment.</summary>
    public ReadOnlySpan<long> SegmentTicks => _segmentTicks;

    /// <summary>Stopwatch ticks encoding (and sending) each boundary's frame.</summary>
    public ReadOnlySpan<long> EncodeTicks => _encodeTicks;

    /// <summary>Stopwatch ticks receiving and decoding each boundary's frame.</summary>
    public ReadOnlySpan<long> DecodeTicks => _decodeTicks;

    /// <summary>Stopwatch ticks of the whole step.</summary>
    public long TotalTicks { get; internal set; }

    internal long[] SegmentTicksArray => _segmentTicks;

    internal long[] EncodeTicksArray => _encodeTicks;

    internal long[] DecodeTicksArray => _decodeTicks;

    /// <summary>Milliseconds from stopwatch ticks.</summary>
    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
