namespace EdgeLam.Orchestration.Agreement;

/// <summary>
/// A plan's epoch: a number, then the proposing orchestrator's id, then that orchestrator's incarnation (a random
/// value drawn at every start). Epochs are totally ordered in that order. Because the orchestrator's identity and
/// incarnation are part of the epoch, two orchestrators (or one orchestrator before and after a restart) can never
/// issue the same epoch; one incarnation issues one plan per number, so an epoch names exactly one plan.
/// </summary>
public readonly record struct PlanEpoch(long Number, string Orchestrator, ulong Incarnation) : IComparable<PlanEpoch>
{
    /// <summary>The epoch a node holds before it accepts any plan; every real epoch is greater.</summary>
    public static PlanEpoch None { get; } = new(0, string.Empty, 0);

    public int CompareTo(PlanEpoch other)
    {
        var byNumber = Number.CompareTo(other.Number);
        if (byNumber != 0)
        {
            return byNumber;
        }

        var byOrchestrator = string.CompareOrdinal(Orchestrator, other.Orchestrator);
        return byOrchestrator != 0 ? byOrchestrator : Incarnation.CompareTo(other.Incarnation);
    }

    public static bool operator >(PlanEpoch left, PlanEpoch right) => left.CompareTo(right) > 0;

    public static bool operator <(PlanEpoch left, PlanEpoch right) => left.CompareTo(right) < 0;

    public static bool operator >=(PlanEpoch left, PlanEpoch right) => left.CompareTo(right) >= 0;

    public static bool operator <=(PlanEpoch left, PlanEpoch right) => left.CompareTo(right) <= 0;

    public override string ToString() => $"{Number}/{Orchestrator}/{Incarnation:x}";
}
