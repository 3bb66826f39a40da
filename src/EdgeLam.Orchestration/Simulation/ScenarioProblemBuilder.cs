using EdgeLam.Orchestration.Planning;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Simulation;

/// <summary>Turns a <see cref="SiteScenario"/> and a model's cost table into the planner's problem, or says every thing wrong with it.</summary>
public static class ScenarioProblemBuilder
{
    /// <summary>The planning problem, or null with at least one problem.</summary>
    public static PlanningProblem? Build(SiteScenario scenario, CostTable costs, out IReadOnlyList<ScenarioProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(costs);
        var found = new List<ScenarioProblem>();
        problems = found;

        var nodes = Nodes(scenario.Nodes, found);
        var ids = (scenario.Nodes ?? []).Where(n => !string.IsNullOrWhiteSpace(n?.Id)).Select(n => n!.Id!).ToHashSet(StringComparer.Ordinal);
        var links = Links(scenario, ids, found);
        var constraints = Constraints(scenario.Constraints ?? new ScenarioConstraints(), found);
        var objective = scenario.Objective ?? new ScenarioObjective();
        if (objective.PrefillWeight is { } w && !(w >= 0 && double.IsFinite(w)))
        {
            found.Add(new("objective.prefillWeight", "must be a finite number ≥ 0"));
        }

        if (objective.PromptLength is < 1)
        {
            found.Add(new("objective.promptLength", "must be ≥ 1"));
        }

        var codecCosts = new Dictionary<WireCodec, double>();
        foreach (var (name, msPerByte) in scenario.CodecMsPerByte ?? new Dictionary<string, double>())
        {
            if (!WireCodecNames.TryParse(name, out var codec))
            {
                found.Add(new($"codecMsPerByte.{name}", $"unknown codec; one of {string.Join(", ", WireCodecNames.All)}"));
            }
            else if (!(msPerByte >= 0 && double.IsFinite(msPerByte)))
            {
                found.Add(new($"codecMsPerByte.{name}", "must be a finite number ≥ 0"));
            }
            else
            {
                codecCosts[codec] = msPerByte;
            }
        }

        if (scenario.Alternatives is < 0)
        {
            found.Add(new("alternatives", "must be ≥ 0"));
        }

        if (found.Count > 0)
        {
            return null;
        }

        return new PlanningProblem
        {
            Costs = costs,
            Nodes = nodes,
            Links = links,
            Constraints = constraints,
            Objective = new PlanningObjective
            {
                PrefillWeight = objective.PrefillWeight ?? 0,
                PromptLength = objective.PromptLength ?? new PlanningObjective().PromptLength,
            },
            CodecMsPerByte = codecCosts,
            AlternativeCount = scenario.Alternatives ?? PlanningProblem.DefaultAlternativeCount,
        };
    }

    private static List<PlanningNode> Nodes(IReadOnlyList<ScenarioNode>? nodes, List<ScenarioProblem> found)
    {
        var result = new List<PlanningNode>();
        if (nodes is null || nodes.Count == 0)
        {
            found.Add(new("nodes", "at least one node (a gateway) is needed"));
            return result;
        }

        if (nodes.Count > PlanningProblem.MaxNodes)
        {
            found.Add(new("nodes", $"{nodes.Count} nodes; at most {PlanningProblem.MaxNodes} are supported"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var key = $"nodes[{i}]";
            var n = nodes[i];
            if (n is null)
            {
                found.Add(new(key, "is null"));
                continue;
            }

            if (string.IsNullOrWhiteSpace(n.Id))
            {
                found.Add(new(key + ".id", "is required"));
            }
            else if (!seen.Add(n.Id))
            {
                found.Add(new(key + ".id", $"'{n.Id}' is used by an earlier node"));
            }

            var decode = Rate(key, "decode", n.DecodeMsPerUnit, n.DecodeGflops, required: true, found);
            var prefill = Rate(key, "prefill", n.PrefillMsPerPositionPerUnit, n.PrefillGflops, required: false, found) ?? decode;
            if (n.MemoryBytes is not > 0)
            {
                found.Add(new(key + ".memoryBytes", "is required and must be > 0"));
            }

            Positive(key + ".loadFactor", n.LoadFactor, found);
            NonNegative(key + ".stepOverheadMs", n.StepOverheadMs, found);
            Positive(key + ".requestWeight", n.RequestWeight, found);
            if (decode is { } d && prefill is { } p && n.MemoryBytes is > 0 && !string.IsNullOrWhiteSpace(n.Id))
            {
                result.Add(new PlanningNode(
                    n.Id, n.Gateway, EligibleAsPeer: !n.Gateway && (n.Peer ?? true), d, p, n.MemoryBytes.Value,
                    n.LoadFactor ?? 1, n.StepOverheadMs ?? 0, n.RequestWeight ?? 1));
            }
        }

        if (!nodes.Any(n => n is { Gateway: true }))
        {
            found.Add(new("nodes", "no node is a gateway (\"gateway\": true)"));
        }

        return result;
    }

    /// <summary>Milliseconds per unit from either form; exactly one of them.</summary>
    private static double? Rate(string key, string what, double? msPerUnit, double? gflops, bool required, List<ScenarioProblem> found)
    {
        var perUnitKey = what == "decode" ? ".decodeMsPerUnit" : ".prefillMsPerPositionPerUnit";
        var gflopsKey = "." + what + "Gflops";
        if (msPerUnit is not null && gflops is not null)
        {
            found.Add(new(key + perUnitKey, $"give either {perUnitKey[1..]} or {gflopsKey[1..]}, not both"));
            return null;
        }

        if (msPerUnit is { } ms)
        {
            if (ms > 0 && double.IsFinite(ms))
            {
                return ms;
            }

            found.Add(new(key + perUnitKey, "must be a finite number > 0"));
            return null;
        }

        if (gflops is { } g)
        {
            if (g > 0 && double.IsFinite(g))
            {
                return 1 / (g * 1e6); // 10⁹ units per second = 10⁶ units per millisecond.
            }

            found.Add(new(key + gflopsKey, "must be a finite number > 0"));
            return null;
        }

        if (required)
        {
            found.Add(new(key + perUnitKey, $"is required (or {gflopsKey[1..]})"));
        }

        return null;
    }

    private static List<NodeLink> Links(SiteScenario scenario, HashSet<string> ids, List<ScenarioProblem> found)
    {
        var links = new Dictionary<(string From, string To), NodeLink>();
        var listed = scenario.Links ?? [];
        for (var i = 0; i < listed.Count; i++)
        {
            var key = $"links[{i}]";
            var l = listed[i];
            if (l is null)
            {
                found.Add(new(key, "is null"));
                continue;
            }

            var ok = KnownNode(key + ".from", l.From, ids, found) & KnownNode(key + ".to", l.To, ids, found);
            ok &= Quality(key, l.RoundTripMs, l.BytesPerSecond, found);
            if (ok && l.From == l.To)
            {
                found.Add(new(key, "a link joins two different nodes"));
                ok = false;
            }

            if (ok && !links.TryAdd((l.From!, l.To!), new NodeLink(l.From!, l.To!, l.RoundTripMs!.Value, l.BytesPerSecond!.Value)))
            {
                found.Add(new(key, $"the link {l.From} → {l.To} is listed twice"));
            }
        }

        if (scenario.DefaultLink is { } d && Quality("defaultLink", d.RoundTripMs, d.BytesPerSecond, found))
        {
            foreach (var from in ids)
            {
                foreach (var to in ids.Where(to => to != from))
                {
                    links.TryAdd((from, to), new NodeLink(from, to, d.RoundTripMs!.Value, d.BytesPerSecond!.Value));
                }
            }
        }

        return [.. links.Values.OrderBy(l => l.From, StringComparer.Ordinal).ThenBy(l => l.To, StringComparer.Ordinal)];
    }

    private static bool KnownNode(string key, string? id, HashSet<string> ids, List<ScenarioProblem> found)
    {
        if (id is not null && ids.Contains(id))
        {
            return true;
        }

        found.Add(new(key, id is null ? "is required" : $"'{id}' is not a node of this scenario"));
        return false;
    }

    private static bool Quality(string key, double? roundTripMs, double? bytesPerSecond, List<ScenarioProblem> found)
    {
        var ok = true;
        if (roundTripMs is not { } rtt || !(rtt >= 0 && double.IsFinite(rtt)))
        {
            found.Add(new(key + ".roundTripMs", "is required and must be a finite number ≥ 0"));
            ok = false;
        }

        if (bytesPerSecond is not { } bps || !(bps > 0 && double.IsFinite(bps)))
        {
            found.Add(new(key + ".bytesPerSecond", "is required and must be a finite number > 0"));
            ok = false;
        }

        return ok;
    }

    private static PlanningConstraints Constraints(ScenarioConstraints c, List<ScenarioProblem> found)
    {
        var defaults = new PlanningConstraints();
        if (c.PrivacyFloor is < 0)
        {
            found.Add(new("constraints.privacyFloor", "must be ≥ 0"));
        }

        if (c.ContextLimit is < 1)
        {
            found.Add(new("constraints.contextLimit", "must be ≥ 1"));
        }

        if (c.SessionsPerGateway is < 1)
        {
            found.Add(new("constraints.sessionsPerGateway", "must be ≥ 1"));
        }

        Positive("constraints.decodeStepTargetMs", c.DecodeStepTargetMs, found);
        var codecs = new List<WireCodec>();
        foreach (var name in c.Codecs ?? [])
        {
            if (WireCodecNames.TryParse(name, out var codec))
            {
                codecs.Add(codec);
            }
            else
            {
                found.Add(new("constraints.codecs", $"unknown codec '{name}'; one of {string.Join(", ", WireCodecNames.All)}"));
            }
        }

        if (c.Codecs is { Count: 0 })
        {
            found.Add(new("constraints.codecs", "at least one codec is needed"));
        }

        return new PlanningConstraints
        {
            PrivacyFloor = c.PrivacyFloor ?? defaults.PrivacyFloor,
            ContextLimit = c.ContextLimit ?? defaults.ContextLimit,
            SessionsPerGateway = c.SessionsPerGateway ?? defaults.SessionsPerGateway,
            AllowedCodecs = codecs.Count > 0 ? codecs : defaults.AllowedCodecs,
            DecodeStepTargetMs = c.DecodeStepTargetMs,
        };
    }

    private static void Positive(string key, double? value, List<ScenarioProblem> found)
    {
        if (value is { } v && !(v > 0 && double.IsFinite(v)))
        {
            found.Add(new(key, "must be a finite number > 0"));
        }
    }

    private static void NonNegative(string key, double? value, List<ScenarioProblem> found)
    {
        if (value is { } v && !(v >= 0 && double.IsFinite(v)))
        {
            found.Add(new(key, "must be a finite number ≥ 0"));
        }
    }
}
