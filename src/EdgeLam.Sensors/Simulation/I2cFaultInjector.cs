namespace EdgeLam.Sensors.Simulation;

/// <summary>Faults a simulated chip injects into its next transactions.</summary>
public sealed class I2cFaultInjector
{
    /// <summary>The next N transactions are not acknowledged.</summary>
    public int NackNext { get; set; }

    /// <summary>Every transaction is not acknowledged (a chip that fell off the bus).</summary>
    public bool Absent { get; set; }

    /// <summary>The next N reads return only <see cref="ShortReadBytes"/> bytes.</summary>
    public int ShortReadNext { get; set; }

    public int ShortReadBytes { get; set; }

    /// <summary>The measurement registers stop updating (the chip keeps returning its last conversion).</summary>
    public bool Stuck { get; set; }

    /// <summary>How many transactions the chip has seen (for tests of retry and backoff).</summary>
    public int Transactions { get; internal set; }
}
