namespace EdgeLam.Sensors.Model;

/// <summary>One value of one channel at a monotonic time (nanoseconds, <see cref="MonotonicClock"/>).</summary>
public readonly record struct SensorSample(long TimestampNs, double Value, SampleQuality Quality)
{
    public static SensorSample Missing(long timestampNs, SampleQuality extra = SampleQuality.Good) =>
        new(timestampNs, double.NaN, SampleQuality.Missing | extra);
}
