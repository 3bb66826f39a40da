using System.Globalization;
using System.Text;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Simulation;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Cli;

/// <summary>
/// <c>edgelam plan show</c>'s text: the plan the site runs (if one is published), the inputs the planner sees (nodes
/// with their measured figures, links, nodes left out) and its answer (<see cref="PlanReport"/>). Pure.
/// </summary>
internal static class PlanShowReport
{
    public static string Format(SiteSnapshot site, string modelId, IReadOnlyList<LeftOutNode> leftOut, IReadOnlyList<ScenarioProblem> problems, PlanResult? result)
    {
        ArgumentNullException.ThrowIfNull(site);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"model {Short(modelId)}").AppendLine();
        text.Append(CurrentPlan(site.Plan, modelId)).AppendLine();
        text.AppendLine("nodes:");
        foreach (var id in site.Nodes)
        {
            text.Append("  ").Append(Node(id, site, modelId)).AppendLine();
        }

        var links = site.CapacityMessages.Values.SelectMany(c => (c.Links ?? []).Select(l => (c.Node, Link: l))).OrderBy(l => l.Node, StringComparer.Ordinal).ThenBy(l => l.Link.To, StringComparer.Ordinal).ToList();
        text.AppendLine(links.Count == 0 ? "links: none measured" : "links (measured by the sender):");
        foreach (var (from, link) in links)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {from} -> {link.To}: round trip {Ms(link.RoundTripMs)}, {Rate(link.BytesPerSecond)}, {link.Answered} answered, {link.Lost} lost").AppendLine();
        }

        foreach (var left in leftOut)
        {
            text.Append("left out: ").Append(left.ToString()).AppendLine();
        }

        foreach (var problem in problems)
        {
            text.Append("cannot plan: ").Append(problem.ToString()).AppendLine();
        }

        if (result is not null)
        {
            text.Append(PlanReport.Format(result));
        }

        return text.ToString();
    }

    private static string CurrentPlan(AgreedPlan? plan, string modelId)
    {
        if (plan is null)
        {
            return "current plan: none published";
        }

        var stages = string.Join(" ", plan.Assignments.Select(a =>
            $"{a.Node}[{a.FirstBlock},{a.EndBlock}){(a.Head ? "+head" : string.Empty)}{(a.CodecToNext is { } c ? $" -{c}->" : string.Empty)}"));
        var other = plan.Model == modelId ? string.Empty : $" (for model {Short(plan.Model)})";
        var phase = plan.Phase == PlanPhase.Commit ? "committed" : "prepared, not committed";
        return string.Create(CultureInfo.InvariantCulture, $"current plan: epoch {plan.Epoch.Number} by {plan.Orchestrator} ({phase}){other}: {stages}");
    }

    private static string Node(string id, SiteSnapshot site, string modelId)
    {
        site.Statuses.TryGetValue(id, out var status);
        site.CapacityMessages.TryGetValue(id, out var capacity);
        var roles = string.Join(",", capacity?.Roles ?? status?.Roles ?? ["?"]);
        var state = status is null ? "no status" : status.State.ToString().ToLowerInvariant();
        if (capacity is null)
        {
            return $"{id} ({roles}, {state}): no capacity message";
        }

        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{id} ({roles}, {state}): memory {Bytes(capacity.MemoryBytes)} available");
        if (SiteSnapshot.Hosted(capacity, modelId) is not { } hosted)
        {
            return line.Append(", hosts none of this model").ToString();
        }

        line.Append(CultureInfo.InvariantCulture, $"; hosts [{hosted.FirstLayer},{hosted.EndLayer}){(hosted.Head ? "+head" : string.Empty)}, weights {Bytes(hosted.WeightBytes)}, KV {Bytes(hosted.KvBytesPerPosition)}/position");
        line.Append(CultureInfo.InvariantCulture, $"; decode {Number(hosted.DecodeMsPerUnit, "ms/unit")} ({Source(hosted.DecodeSource)}, {hosted.DecodeSteps ?? 0} steps)");
        line.Append(CultureInfo.InvariantCulture, $", prefill {Number(hosted.PrefillMsPerPositionPerUnit, "ms/unit/position")} ({Source(hosted.PrefillSource)}, {hosted.PrefillPositions ?? 0} positions)");
        line.Append(CultureInfo.InvariantCulture, $"; sessions {hosted.ActiveSessions}/{hosted.MaxSessions}");
        if (hosted.QueuedMessages is { } queued)
        {
            line.Append(CultureInfo.InvariantCulture, $", queue {queued}");
        }

        return line.ToString();
    }

    private static string Short(string modelId) => modelId[..Math.Min(12, modelId.Length)];

    private static string Source(ComputeSource? source) => source switch
    {
        ComputeSource.Measured => "measured",
        ComputeSource.Benchmark => "benchmark",
        _ => "unknown",
    };

    private static string Number(double? value, string unit) =>
        value is { } v ? v.ToString("0.###E+0", CultureInfo.InvariantCulture) + " " + unit : "?";

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) + " ms" : "? ms";

    private static string Rate(double? bytesPerSecond) =>
        bytesPerSecond is { } b ? (b / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + " MB/s" : "? MB/s";

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "?",
        >= 1 << 30 => (bytes.Value / (double)(1 << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
        >= 1 << 20 => (bytes.Value / (double)(1 << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes.Value / (double)(1 << 10)).ToString("0.##", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.Value.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
