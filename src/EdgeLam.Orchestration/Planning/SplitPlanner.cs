namespace EdgeLam.Orchestration.Planning;

/// <summary>
/// Finds the split that minimizes the cost model of docs/orchestration.md exactly: dynamic programming over
/// (boundary reached, last node, set of peers used). Pure: no I/O, no clock, no randomness; ties go to the first
/// candidate in a fixed order (fewer blocks on earlier nodes first, then problem order), so equal inputs give equal plans.
/// </summary>
public static class SplitPlanner
{
    /// <summary>Plans <paramref name="problem"/>: the optimum, the best plan of each other node set, or why none exists.</summary>
    public static PlanResult Plan(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var invalid = PlanningProblemValidator.Validate(problem);
        if (invalid.Count > 0)
        {
            return new PlanResult(null, [], new Infeasibility(InfeasibilityKind.InvalidProblem, string.Join("; ", invalid)));
        }

        var model = new PlanCostModel(problem);
        var finals = Search(model);
        var plans = finals
            .Where(f => f.Cost < double.PositiveInfinity)
            .OrderBy(f => f.Cost)
            .Select(f => PlanEvaluator.Describe(model, f.Stages))
            .ToList();
        if (plans.Count == 0)
        {
            return new PlanResult(null, [], InfeasibilityDiagnosis.Explain(model));
        }

        var best = plans[0];
        var alternatives = plans.Skip(1).Take(problem.AlternativeCount).ToList();
        if (problem.Constraints.DecodeStepTargetMs is { } target && best.DecodeStepMs > target)
        {
            var missed = new Infeasibility(
                InfeasibilityKind.LatencyTarget,
                $"the best plan's decode step is predicted at {best.DecodeStepMs:F3} ms, above the target {target:F3} ms",
                Needed: best.DecodeStepMs,
                Available: target);
            return new PlanResult(best, alternatives, missed);
        }

        return new PlanResult(best, alternatives, null);
    }

    /// <summary>The best complete chain per set of peers used (index = peer mask; mask 0 = gateways alone).</summary>
    private static Final[] Search(PlanCostModel model)
    {
        var peers = model.Peers;
        var k = peers.Length;
        var masks = 1 << k;
        var length = model.BlockCount;
        var floor = model.Problem.Constraints.PrivacyFloor;
        var gatewayVertex = k;
        var stride = k + 1;
        var states = (length + 1) * masks * stride;
        var best = new double[states];
        var fromBoundary = new int[states];
        var fromVertex = new int[states];
        Array.Fill(best, double.PositiveInfinity);
        int Index(int b, int mask, int v) => (((b * masks) + mask) * stride) + v;

        var finals = new Final[masks];
        for (var m = 0; m < masks; m++)
        {
            finals[m] = new Final(double.PositiveInfinity, -1, -1, -1);
        }

        // Gateways alone: each runs the whole model.
        if (!model.Problem.Constraints.PeerRequired && model.Gateways.All(g => model.Fits(g, 0, length, embedding: true, head: true)))
        {
            var alone = model.Gateways.Sum(g => model.Share(g) * model.Objective(model.Stage(g, 0, length, embedding: true, head: true)));
            finals[0] = new Final(alone, length, gatewayVertex, -1);
        }

        // Gateways hand over at boundary c >= p.
        var lastHandover = model.Problem.Constraints.PeerRequired ? length - 1 : length; // a required peer hosts a block
        for (var c = floor; c <= lastHandover && k > 0; c++)
        {
            if (model.Gateways.All(g => model.Fits(g, 0, c, embedding: true, head: false)))
            {
                best[Index(c, 0, gatewayVertex)] = model.Gateways.Sum(
                    g => model.Share(g) * model.Objective(model.Stage(g, 0, c, embedding: true, head: false)));
            }
        }

        // Every cut, final stage and memory bound is precomputed, so the search itself is arithmetic on arrays.
        var boundaries = length + 1;
        var handovers = new double[stride * k * boundaries];
        for (var v = 0; v < stride; v++)
        {
            for (var u = 0; u < k; u++)
            {
                for (var b = 0; b <= length; b++)
                {
                    handovers[(((v * k) + u) * boundaries) + b] =
                        Handover(model, v == gatewayVertex ? -1 : peers[v], peers[u], b) ?? double.PositiveInfinity;
                }
            }
        }

        var lasts = new double[k * boundaries];
        var reach = new int[k * boundaries];
        for (var u = 0; u < k; u++)
        {
            var back = Return(model, peers[u]);
            for (var b = 0; b <= length; b++)
            {
                lasts[(u * boundaries) + b] = back is { } r && model.Fits(peers[u], b, length, embedding: false, head: true)
                    ? model.Objective(model.Stage(peers[u], b, length, embedding: false, head: true)) + r
                    : double.PositiveInfinity;
                var e = b;
                while (e < length && model.Fits(peers[u], b, e + 1, embedding: false, head: false))
                {
                    e++;
                }

                reach[(u * boundaries) + b] = e;
            }
        }

        for (var b = 0; b <= length; b++)
        {
            for (var mask = 0; mask < masks; mask++)
            {
                for (var v = 0; v < stride; v++)
                {
                    var current = best[Index(b, mask, v)];
                    if (double.IsPositiveInfinity(current))
                    {
                        continue;
                    }

                    for (var u = 0; u < k; u++)
                    {
                        var handover = handovers[(((v * k) + u) * boundaries) + b];
                        if ((mask & (1 << u)) != 0 || double.IsPositiveInfinity(handover))
                        {
                            continue;
                        }

                        var next = mask | (1 << u);
                        var entry = current + handover;

                        // u is last: blocks [b, L) and the head, then the result back to every gateway.
                        var total = entry + lasts[(u * boundaries) + b];
                        if (total < finals[next].Cost)
                        {
                            finals[next] = new Final(total, b, v, u);
                        }

                        // u hosts [b, e) and hands on.
                        var end = reach[(u * boundaries) + b];
                        for (var e = b + 1; e <= end; e++)
                        {
                            var at = Index(e, next, u);
                            var cost = entry + model.StageObjective(peers[u], b, e);
                            if (cost < best[at])
                            {
                                best[at] = cost;
                                fromBoundary[at] = b;
                                fromVertex[at] = v;
                            }
                        }
                    }
                }
            }
        }

        return [.. finals.Select((f, mask) => f with { Stages = Rebuild(model, f, mask, fromBoundary, fromVertex, Index) })];
    }

    /// <summary>Objective cost of the cut at <paramref name="boundary"/> into peer <paramref name="to"/> (from = -1: from every gateway).</summary>
    private static double? Handover(PlanCostModel model, int from, int to, int boundary)
    {
        if (from >= 0)
        {
            return model.BestTransfer(from, to, boundary) is { } t ? model.Objective(t.Time) : null;
        }

        double cost = 0;
        foreach (var g in model.Gateways)
        {
            if (model.BestTransfer(g, to, boundary) is not { } t)
            {
                return null;
            }

            cost += model.Share(g) * model.Objective(t.Time);
        }

        return cost;
    }

    private static double? Return(PlanCostModel model, int last)
    {
        double cost = 0;
        foreach (var g in model.Gateways)
        {
            if (model.Return(last, g) is not { } r)
            {
                return null;
            }

            cost += model.Share(g) * model.Objective(r);
        }

        return cost;
    }

    private static IReadOnlyList<(int Node, int First, int End)>? Rebuild(
        PlanCostModel model, Final final, int mask, int[] fromBoundary, int[] fromVertex, Func<int, int, int, int> index)
    {
        if (double.IsPositiveInfinity(final.Cost))
        {
            return null;
        }

        var length = model.BlockCount;
        if (mask == 0)
        {
            return [];
        }

        var peers = model.Peers;
        var stages = new List<(int Node, int First, int End)> { (peers[final.Last], final.Boundary, length) };
        var (b, v, m) = (final.Boundary, final.Before, mask & ~(1 << final.Last));
        while (v != peers.Length)
        {
            var at = index(b, m, v);
            stages.Add((peers[v], fromBoundary[at], b));
            (b, v, m) = (fromBoundary[at], fromVertex[at], m & ~(1 << v));
        }

        stages.Reverse();
        return stages;
    }

    /// <summary>Best complete chain ending with peer <see cref="Last"/> hosting [Boundary, L) and the head, entered from <see cref="Before"/>.</summary>
    private sealed record Final(double Cost, int Boundary, int Before, int Last)
    {
        public IReadOnlyList<(int Node, int First, int End)>? Stages { get; init; }
    }
}
