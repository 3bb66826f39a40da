namespace EdgeLam.Sensors.Model;

/// <summary>What is known to be wrong (or repaired) about a sample. <see cref="Good"/> is the absence of flags.</summary>
[Flags]
public enum SampleQuality : ushort
{
    Good = 0,

    /// <summary>No value: the sensor failed or is degraded (value is NaN).</summary>
    Missing = 1 << 0,

    /// <summary>The driver or source returned NaN or ±Infinity.</summary>
    NotFinite = 1 << 1,

    /// <summary>Outside the channel's physical range.</summary>
    OutOfRange = 1 << 2,

    /// <summary>The same value repeated more often than the channel allows.</summary>
    Stuck = 1 << 3,

    /// <summary>The sample follows a gap longer than the stream tolerates.</summary>
    AfterGap = 1 << 4,

    /// <summary>The sensor is degraded (failing and being retried with backoff).</summary>
    Degraded = 1 << 5,

    /// <summary>The value was filled in by the window policy.</summary>
    Imputed = 1 << 6,

    /// <summary>The value is masked out by the window policy.</summary>
    Masked = 1 << 7,
}

/// <summary>Helpers on <see cref="SampleQuality"/>.</summary>
public static class SampleQualityExtensions
{
    /// <summary>Flags that make a value unusable as measured.</summary>
    public const SampleQuality BadMask =
        SampleQuality.Missing | SampleQuality.NotFinite | SampleQuality.OutOfRange | SampleQuality.Stuck | SampleQuality.Degraded;

    public static bool IsBad(this SampleQuality quality) => (quality & BadMask) != 0;
}
