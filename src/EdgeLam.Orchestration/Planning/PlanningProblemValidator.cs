using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Planning;

/// <summary>Structural checks on a problem; every problem found, one message each.</summary>
internal static class PlanningProblemValidator
{
    public static List<string> Validate(PlanningProblem problem)
    {
        var errors = new List<string>();
        var costs = problem.Costs;
        if (costs is null || costs.Blocks is null || costs.Cuts is null)
        {
            return ["the cost table is missing"];
        }

        var length = costs.BlockCount;
        if (length < 1 || length > PlanningProblem.MaxBlocks)
        {
            errors.Add($"the cost table has {length} blocks; 1 to {PlanningProblem.MaxBlocks} are supported");
        }

        if (costs.Cuts.Count != length + 1)
        {
            errors.Add($"the cost table has {costs.Cuts.Count} cut entries; {length + 1} (one per boundary 0..{length}) are needed");
        }

        for (var b = 0; b < length; b++)
        {
            var block = costs.Blocks[b];
            if (block.WeightBytes < 0 || block.KvBytesPerPosition < 0 || !NonNegative(block.ComputeUnits))
            {
                errors.Add($"block {b} has a negative or non-finite cost");
            }
        }

        if (costs.Embedding.WeightBytes < 0 || !NonNegative(costs.Embedding.ComputeUnits)
            || costs.Head.WeightBytes < 0 || !NonNegative(costs.Head.ComputeUnits) || costs.ResultBytes < 0)
        {
            errors.Add("the embedding, head or result size is negative or non-finite");
        }

        foreach (var cut in costs.Cuts.Where(c => c is not null))
        {
            if (cut!.Raw < 0 || cut.Float16 < 0 || cut.BFloat16 < 0 || cut.Int8Block32 < 0)
            {
                errors.Add("a cut has negative activation bytes");
                break;
            }
        }

        ValidateNodes(problem, errors);
        ValidateConstraints(problem, length, errors);
        if (!NonNegative(problem.Objective.PrefillWeight) || problem.Objective.PromptLength < 1)
        {
            errors.Add("the objective needs a prefill weight >= 0 and a prompt length >= 1");
        }

        if (problem.CodecMsPerByte.Any(kv => !CodecLayout.IsDefined(kv.Key) || !NonNegative(kv.Value)))
        {
            errors.Add("codec costs must name defined codecs and be >= 0");
        }

        if (problem.AlternativeCount < 0)
        {
            errors.Add("the alternative count must be >= 0");
        }

        return errors;
    }

    private static void ValidateNodes(PlanningProblem problem, List<string> errors)
    {
        var nodes = problem.Nodes;
        if (nodes is null || nodes.Count == 0 || nodes.Count > PlanningProblem.MaxNodes)
        {
            errors.Add($"a problem needs 1 to {PlanningProblem.MaxNodes} nodes");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            if (string.IsNullOrEmpty(n.Id) || !ids.Add(n.Id))
            {
                errors.Add($"node id '{n.Id}' is empty or repeated");
            }

            if (!NonNegative(n.DecodeMsPerUnit) || !NonNegative(n.PrefillMsPerPositionPerUnit) || !NonNegative(n.StepOverheadMs)
                || n.MemoryAvailableBytes < 0 || !(n.LoadFactor > 0) || double.IsInfinity(n.LoadFactor)
                || !(n.RequestWeight > 0) || double.IsInfinity(n.RequestWeight))
            {
                errors.Add($"node {n.Id} has a negative or non-finite speed, memory, load or request weight");
            }
        }

        if (!nodes.Any(n => n.IsGateway))
        {
            errors.Add("no node is a gateway");
        }

        var pairs = new HashSet<(string, string)>();
        foreach (var link in problem.Links)
        {
            if (!ids.Contains(link.From) || !ids.Contains(link.To) || link.From == link.To)
            {
                errors.Add($"link {link.From} -> {link.To} names an unknown node or loops");
            }
            else if (!pairs.Add((link.From, link.To)))
            {
                errors.Add($"link {link.From} -> {link.To} is given twice");
            }

            if (!NonNegative(link.RoundTripMs) || !(link.BytesPerSecond > 0) || double.IsInfinity(link.BytesPerSecond))
            {
                errors.Add($"link {link.From} -> {link.To} needs a round trip >= 0 and a finite throughput > 0");
            }
        }
    }

    private static void ValidateConstraints(PlanningProblem problem, int length, List<string> errors)
    {
        var c = problem.Constraints;
        if (c.PrivacyFloor < 0 || c.PrivacyFloor > length)
        {
            errors.Add($"the privacy floor {c.PrivacyFloor} is outside 0..{length}");
        }

        if (c.ContextLimit < 1 || c.SessionsPerGateway < 1)
        {
            errors.Add("the context limit and sessions per gateway must be >= 1");
        }

        if (c.AllowedCodecs.Any(x => !CodecLayout.IsDefined(x)) || c.CutCodecs.Values.Any(l => l.Any(x => !CodecLayout.IsDefined(x))))
        {
            errors.Add("an allowed codec is not defined");
        }

        if (c.CutCodecs.Keys.Any(b => b < 0 || b > length))
        {
            errors.Add($"a per-cut codec list names a boundary outside 0..{length}");
        }

        if (c.DecodeStepTargetMs is { } target && !NonNegative(target))
        {
            errors.Add("the decode-step target must be >= 0");
        }
    }

    private static bool NonNegative(double value) => value >= 0 && double.IsFinite(value);
}
