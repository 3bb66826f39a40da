namespace EdgeLam.Transport.Layouts;

/// <summary>What the planner predicts a conversation pays on one epoch's layout, end to end (every stage and hop).</summary>
/// <param name="DecodeStepMs">One decode step.</param>
/// <param name="PrefillMsPerPosition">Prefill time per position.</param>
/// <param name="PrefillFixedMs">Prefill time that does not grow with the positions (step overhead, the hops).</param>
public readonly record struct LayoutCost(double DecodeStepMs, double PrefillMsPerPosition, double PrefillFixedMs);

/// <summary>How a conversation running on an older layout continues after a commit.</summary>
public enum LayoutMoveChoice
{
    /// <summary>It keeps its layout until its last token.</summary>
    Finish,

    /// <summary>It is replayed as one prefill on the active layout and goes on there.</summary>
    Replay,
}

/// <summary>
/// Chooses finish or replay for a conversation on an older layout; pure (no clock, no I/O). A layout that lost a node
/// is always left. Otherwise, with both layouts' predicted costs, the conversation moves when replaying it and running
/// its other steps on the active layout beats finishing them on the old one:
/// <c>replay + (remaining - 1) × new step &lt; remaining × old step</c>; without predictions it finishes.
/// </summary>
public static class LayoutMove
{
    /// <param name="oldLost">A node of the conversation's layout was planned out (it died or left).</param>
    /// <param name="old">Predicted costs of the conversation's layout, if known.</param>
    /// <param name="active">Predicted costs of the active layout, if known.</param>
    /// <param name="positions">Positions a replay would run (input and tokens so far).</param>
    /// <param name="remainingSteps">Steps the conversation may still run, the next one included.</param>
    /// <exception cref="ArgumentOutOfRangeException">The length or the steps are negative.</exception>
    public static LayoutMoveChoice Choose(bool oldLost, LayoutCost? old, LayoutCost? active, int positions, int remainingSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        ArgumentOutOfRangeException.ThrowIfNegative(remainingSteps);
        if (oldLost)
        {
            return LayoutMoveChoice.Replay;
        }

        if (old is not { } o || active is not { } a || remainingSteps == 0)
        {
            return LayoutMoveChoice.Finish;
        }

        var replay = a.PrefillFixedMs + (a.PrefillMsPerPosition * positions);
        var move = replay + ((remainingSteps - 1) * a.DecodeStepMs);
        var finish = remainingSteps * o.DecodeStepMs;
        return move < finish ? LayoutMoveChoice.Replay : LayoutMoveChoice.Finish;
    }
}
