namespace EdgeLam.Inference.Ranges;

/// <summary>How a running conversation reaches a new layout.</summary>
public enum MoveMethod
{
    /// <summary>The KV cache of the blocks that change owner crosses the link (<c>SegmentChain.ExportKv</c> / <c>ImportKv</c>).</summary>
    Handover,

    /// <summary>The conversation's token history runs through the new layout as one prefill.</summary>
    Replay,
}

/// <summary>What moving a conversation costs on this site, as measured (link probes, prefill timings).</summary>
/// <param name="LinkBytesPerSecond">Throughput of the link the moved bytes cross.</param>
/// <param name="LinkLatencyMs">One message's latency on that link (half a round trip).</param>
/// <param name="PrefillMsPerPosition">Prefill time per position over the whole new layout.</param>
/// <param name="PrefillFixedMs">Prefill time that does not grow with the positions (step overhead, the hops).</param>
public readonly record struct MoveCosts(double LinkBytesPerSecond, double LinkLatencyMs, double PrefillMsPerPosition, double PrefillFixedMs);

/// <summary>The chosen method and the predicted time of both.</summary>
public readonly record struct MoveChoice(MoveMethod Method, double HandoverMs, double ReplayMs);

/// <summary>
/// Chooses handover or replay for a conversation, from measured costs and its length; pure (no clock, no I/O).
/// Handover sends the KV bytes of the blocks that change owner; replay sends the activations at the cuts of the
/// new layout (each position once) and computes a prefill. A tie goes to handover, which keeps the cache bit for bit.
/// </summary>
public static class ConversationMove
{
    /// <summary>Picks the cheaper method for a conversation of <paramref name="positions"/> positions.</summary>
    /// <param name="costs">The site's measured costs.</param>
    /// <param name="positions">Positions the conversation holds.</param>
    /// <param name="handoverBytesPerPosition">KV bytes per position of the blocks that change owner.</param>
    /// <param name="replayBytesPerPosition">Bytes per position replay sends over the link (activations at the cuts, token ids).</param>
    /// <param name="canReplay">False when the history cannot be replayed (the conversation started from sensor embeddings no longer held).</param>
    /// <exception cref="ArgumentOutOfRangeException">A cost is negative or not a number, the link has no throughput, or the length is negative.</exception>
    public static MoveChoice Choose(MoveCosts costs, int positions, long handoverBytesPerPosition, long replayBytesPerPosition, bool canReplay = true)
    {
        Require(costs.LinkBytesPerSecond, nameof(costs.LinkBytesPerSecond), positive: true);
        Require(costs.LinkLatencyMs, nameof(costs.LinkLatencyMs));
        Require(costs.PrefillMsPerPosition, nameof(costs.PrefillMsPerPosition));
        Require(costs.PrefillFixedMs, nameof(costs.PrefillFixedMs));
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        ArgumentOutOfRangeException.ThrowIfNegative(handoverBytesPerPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(replayBytesPerPosition);
        var handover = costs.LinkLatencyMs + (1000.0 * handoverBytesPerPosition * positions / costs.LinkBytesPerSecond);
        var replay = costs.PrefillFixedMs + (costs.PrefillMsPerPosition * positions)
            + costs.LinkLatencyMs + (1000.0 * replayBytesPerPosition * positions / costs.LinkBytesPerSecond);
        var method = !canReplay || handover <= replay ? MoveMethod.Handover : MoveMethod.Replay;
        return new MoveChoice(method, handover, replay);
    }

    private static void Require(double value, string name, bool positive = false)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0 || (positive && value == 0))
        {
            throw new ArgumentOutOfRangeException(name, value, name + " must be a finite " + (positive ? "positive" : "non-negative") + " number.");
        }
    }
}
