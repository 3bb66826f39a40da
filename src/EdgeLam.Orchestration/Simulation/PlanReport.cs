using System.Globalization;
using System.Text;
using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Simulation;

/// <summary>The planner's answer as text for people: the best chain with its predicted latencies, the alternatives, or why none fits.</summary>
public static class PlanReport
{
    public static string Format(PlanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        if (result.Best is { } best)
        {
            text.Append(CultureInfo.InvariantCulture, $"best: {best}").AppendLine();
            foreach (var latency in best.Latencies)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {latency.Gateway}: decode step {Ms(latency.DecodeStepMs)}, prefill {Ms(latency.PrefillMs)}").AppendLine();
            }

            text.Append(CultureInfo.InvariantCulture, $"  cost {best.Cost:0.###}").AppendLine();
        }

        if (result.Infeasibility is { } why)
        {
            text.Append(result.Best is null ? "no plan: " : "target missed: ").Append(why.Kind).Append(": ").Append(why.Message).AppendLine();
        }

        if (result.Best is { } reference && result.Alternatives.Count > 0)
        {
            text.AppendLine("alternatives (best plan of each other node set):");
            foreach (var alternative in result.Alternatives)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {alternative}  decode step {Ms(alternative.DecodeStepMs)}, prefill {Ms(alternative.PrefillMs)}, cost {Relative(alternative.Cost, reference.Cost)}").AppendLine();
            }
        }

        return text.ToString();
    }

    private static string Ms(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    private static string Relative(double cost, double best) =>
        best > 0 ? (cost / best).ToString("0.00", CultureInfo.InvariantCulture) + "× best" : cost.ToString("0.###", CultureInfo.InvariantCulture);
}
