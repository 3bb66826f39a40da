using System.Text.Json.Serialization;

namespace EdgeLam.Transport.Topics;

/// <summary>
/// A link probe on <c>nodes/{node}/probe</c>: a request from <see cref="From"/> to the topic's node, or the echo of one
/// back to the prober. The echo copies <see cref="Sequence"/> and <see cref="SentUs"/> and carries no padding; the
/// prober computes the round trip on its own clock. Carries no model data and no sensor data: padding is zeros.
/// </summary>
public sealed record ProbeMessage
{
    /// <summary>Largest padding a node echoes (a bigger request is ignored).</summary>
    public const int MaxPaddingBytes = 256 * 1024;

    /// <summary>The node that sends this message (the prober for a request, the echoing node for an echo).</summary>
    public required string From { get; init; }

    public required ProbeKind Kind { get; init; }

    /// <summary>The prober's number for the probe, echoed unchanged.</summary>
    public required long Sequence { get; init; }

    /// <summary>The prober's own monotonic clock when it sent the request, microseconds; echoed unchanged, never compared with another clock.</summary>
    public long SentUs { get; init; }

    /// <summary>Padding of a large probe: that many '0' characters (requests only).</summary>
    public string? Padding { get; init; }
}

/// <summary>Request or echo.</summary>
public enum ProbeKind
{
    [JsonStringEnumMemberName("request")]
    Request,

    [JsonStringEnumMemberName("echo")]
    Echo,
}
