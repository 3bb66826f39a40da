namespace EdgeLam.Sensors.Windows;

/// <summary>What <see cref="StreamWindower.TryTakeWindow"/> produced.</summary>
public enum WindowOutcome
{
    /// <summary>Not enough new samples since the last window (less than hop, or the ring is not full yet).</summary>
    NotReady,

    /// <summary>A window was written (possibly imputed or masked).</summary>
    Emitted,

    /// <summary>A window was due but the bad-data policy dropped it.</summary>
    Dropped,
}
