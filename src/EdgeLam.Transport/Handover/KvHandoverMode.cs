namespace EdgeLam.Transport.Handover;

/// <summary>How an orchestrated gateway moves a running conversation to a newer layout (<c>Node:KvHandover</c>).</summary>
public enum KvHandoverMode
{
    /// <summary>KV handover or replay, whichever the measured costs predict is faster (<see cref="MoveCostMeter"/>).</summary>
    Measured,

    /// <summary>Always KV handover; replay only when it fails or times out (or a node of the old layout was lost).</summary>
    Always,

    /// <summary>Always replay.</summary>
    Off,
}
