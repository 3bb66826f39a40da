using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Planning;

namespace EdgeLam.Orchestration.Agreement;

/// <summary>
/// Orchestrator side of the live agreement (pure: no I/O, no clock; <c>now</c> is a monotonic time the caller gives).
/// Fed the site's node statuses, capacities, the retained plan, acks and the measured decode step; while
/// <see cref="Activate">active</see> (elected), <see cref="Decide"/> turns them into decisions: propose a plan (with its
/// reason and predicted gain), commit it once every node of it acknowledged "prepared" for that exact epoch, abandon it
/// on a refusal, a node leaving or <see cref="OrchestrationOptions.PrepareTimeout"/> (and re-plan without the refusing
/// or silent node, or with its reported memory), and afterwards report the realized gain. A node leaving and memory
/// pressure act at once; a capacity gain (or a joining node's) and a QoS breach only once they held for
/// <see cref="OrchestrationOptions.HoldFor"/>, both ways, so a gain that flickers never moves the split.
/// </summary>
public sealed class SplitOrchestrator(string self, ulong incarnation, string model, CostTable costs, OrchestrationOptions options)
{
    private readonly OrchestratorProposer _proposer = new(self, incarnation);
    private readonly Dictionary<string, NodeStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeCapacity> _capacities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _memoryLimits = new(StringComparer.Ordinal);
    private readonly HashSet<string> _excluded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _silent = new(StringComparer.Ordinal);
    private readonly Hysteresis _gain = new(options.HoldFor);
    private readonly Hysteresis _qos = new(options.HoldFor);
    private Proposal? _proposal;
    private TimeSpan? _activeSince;
    private (double Ms, TimeSpan At)? _measured;
    private Realizing? _realizing;
    private string? _lastNoPlan;

    /// <summary>The plan in force (committed), as this orchestrator knows it.</summary>
    public AgreedPlan? Committed { get; private set; }

    /// <summary>The proposal waiting for acks, if any.</summary>
    public AgreedPlan? Proposed => _proposal?.Plan;

    /// <summary>This node is the elected orchestrator.</summary>
    public bool Active => _activeSince is not null;

    /// <summary>A node's retained status (or last will). A node that comes back online is no longer left out for silence or a refusal.</summary>
    public void Status(NodeStatus status)
    {
        if (status.Online && (!_statuses.TryGetValue(status.Id, out var was) || !was.Online))
        {
            _excluded.Remove(status.Id);
            _silent.Remove(status.Id);
            _memoryLimits.Remove(status.Id);
        }

        _statuses[status.Id] = status;
    }

    /// <summary>A node's capacity (from its retained capacity message); replaces a memory figure its refusal reported.</summary>
    public void Capacity(NodeCapacity capacity)
    {
        _capacities[capacity.Id] = capacity;
        _memoryLimits.Remove(capacity.Id);
    }

    /// <summary>The retained plan: its epoch is observed (the next proposal numbers above it); a committed one is the plan in force.</summary>
    public void Plan(AgreedPlan plan)
    {
        _proposer.Observe(plan.Epoch);
        if (plan.Phase == PlanPhase.Commit && plan.Model == model && plan.Epoch.Number >= (Committed?.Epoch.Number ?? 0))
        {
            Committed = plan;
        }
    }

    /// <summary>A node's answer: observed for numbering; recorded when a node of the proposal waiting answers it.</summary>
    public void Ack(PlanAck ack)
    {
        _proposer.Observe(ack.Held);
        if (ack.Accepted)
        {
            _silent.Remove(ack.Node); // a late ack of an abandoned plan: slow, not gone; planned with again
        }

        if (_proposal is { } p && ack.Epoch == p.Plan.Epoch && p.Plan.NodeIds().Contains(ack.Node))
        {
            if (ack.Accepted)
            {
                p.Acked.Add(ack.Node);
            }
            else
            {
                p.Refusals[ack.Node] = ack;
            }
        }
    }

    /// <summary>The measured decode step (the gateways' recent median), for the QoS target and the realized gain.</summary>
    public void StepMeasured(double ms, TimeSpan now) => _measured = (ms, now);

    /// <summary>This node was elected: it acts from one evaluate interval on (the retained plan and statuses arrive first).</summary>
    public void Activate(TimeSpan now) => _activeSince ??= now;

    /// <summary>Another node was elected: the proposal and the hysteresis are dropped.</summary>
    public void Deactivate()
    {
        _activeSince = null;
        _proposal = null;
        _gain.Reset();
        _qos.Reset();
    }

    /// <summary>What to do now (empty while inactive, settling or waiting for acks).</summary>
    public IReadOnlyList<OrchestratorDecision> Decide(TimeSpan now)
    {
        var decisions = new List<OrchestratorDecision>();
        if (_activeSince is not { } since || now - since < options.EvaluateInterval)
        {
            return decisions;
        }

        if (Realized(now) is { } realized)
        {
            decisions.Add(realized);
        }

        ResplitReason? forced = null;
        if (_proposal is { } p)
        {
            if (Settle(p, now, decisions, out forced))
            {
                return decisions;
            }

            _proposal = null;
        }

        Evaluate(now, forced, decisions);
        return decisions;
    }

    /// <summary>Handles the proposal waiting; true while it still waits (or committed just now).</summary>
    private bool Settle(Proposal p, TimeSpan now, List<OrchestratorDecision> decisions, out ResplitReason? forced)
    {
        forced = null;
        var nodes = p.Plan.NodeIds().ToList();
        if (p.Refusals.Count > 0)
        {
            foreach (var refusal in p.Refusals.Values)
            {
                LeaveOut(refusal);
            }

            var why = string.Join("; ", p.Refusals.Values.Select(r => $"{r.Node} refused: {r.Reason} ({r.Detail})"));
            decisions.Add(new AbandonPlan(p.Plan, why, [.. p.Refusals.Keys]));
            forced = p.Refusals.Values.Any(r => r.Reason == PlanRefusalReason.InsufficientMemory) ? ResplitReason.MemoryPressure : p.Reason;
            return false;
        }

        if (nodes.Where(n => !IsOnline(n)).ToList() is { Count: > 0 } gone)
        {
            decisions.Add(new AbandonPlan(p.Plan, "went offline before acknowledging", gone));
            forced = ResplitReason.NodeLeft;
            return false;
        }

        if (nodes.All(p.Acked.Contains))
        {
            Committed = p.Plan with { Phase = PlanPhase.Commit };
            _proposal = null;
            decisions.Add(new CommitPlan(Committed, p.Reason));
            _realizing = _measured is { } m ? new Realizing(Committed.Epoch, p.Reason, m.Ms, now, p.PredictedGain) : null;
            return true;
        }

        if (now - p.Since < options.PrepareTimeout)
        {
            return true;
        }

        var silent = nodes.Where(n => !p.Acked.Contains(n)).ToList();
        if (silent.Any(IsOnlineGateway))
        {
            // No plan runs without its gateway: one that is online but still preparing (a large range on a busy
            // board) is waited for rather than left out, which would leave the site with no plan at all.
            return true;
        }

        _silent.UnionWith(silent);
        decisions.Add(new AbandonPlan(p.Plan, $"no acknowledgement within {options.PrepareTimeout.TotalSeconds:0.#} s", silent));
        forced = p.Reason;
        return false;
    }

    private void Evaluate(TimeSpan now, ResplitReason? forced, List<OrchestratorDecision> decisions)
    {
        var problem = PlanPricing.Problem(Usable(), costs, options, out var why, out var leftOut);
        var result = problem is null ? null : SplitPlanner.Plan(problem);
        if (problem is null || result?.Best is null)
        {
            var infeasible = result?.Infeasibility ?? new Infeasibility(InfeasibilityKind.InvalidProblem, why ?? "no usable node");
            if (infeasible.ToString() != _lastNoPlan)
            {
                _lastNoPlan = infeasible.ToString();
                decisions.Add(new NoPlan(infeasible, [.. leftOut.Select(l => l.ToString())]));
            }

            return;
        }

        _lastNoPlan = null;
        var best = result.Best;
        var assignments = PlanPricing.Assignments(problem, best);
        if (Committed is not { } committed)
        {
            Propose(problem, best, assignments, forced ?? ResplitReason.NodeJoined, null, [], now, decisions);
            return;
        }

        var candidate = committed with { Assignments = assignments };
        if (candidate.SameSplit(committed))
        {
            _gain.Reset();
            _qos.Reset();
            return;
        }

        var oldMs = PlanPricing.StepMs(problem, committed, out var broken);
        var lost = committed.NodeIds().Where(n => !IsOnline(n)).ToList();
        var joined = assignments.Any(a => committed.Capacities.All(c => c.Id != a.Node)); // not usable when it was planned
        var gain = oldMs is { } old && old > 0 ? (old - best.DecodeStepMs) / old : 0;
        var gainHeld = _gain.Update(gain >= options.GainThreshold, now);
        var qosHeld = _qos.Update(options.StepTargetMs is { } target && _measured?.Ms > target && gain > 0, now);
        ResplitReason? reason =
            lost.Count > 0 ? ResplitReason.NodeLeft
            : oldMs is null ? (broken?.Kind is InfeasibilityKind.InvalidProblem ? ResplitReason.NodeLeft : ResplitReason.MemoryPressure)
            : forced is not null ? forced
            : gainHeld ? (joined ? ResplitReason.NodeJoined : ResplitReason.CapacityGain)
            : qosHeld ? ResplitReason.QosBreach
            : null;
        if (reason is { } r)
        {
            Propose(problem, best, assignments, r, oldMs, lost, now, decisions);
        }
    }

    private void Propose(
        PlanningProblem problem,
        PipelinePlan best,
        IReadOnlyList<PlanAssignment> assignments,
        ResplitReason reason,
        double? oldMs,
        IReadOnlyList<string> lost,
        TimeSpan now,
        List<OrchestratorDecision> decisions)
    {
        var newMs = best.DecodeStepMs;
        var plan = _proposer.Propose(model, assignments, problem.Nodes, (long)now.TotalMilliseconds) with
        {
            Lost = lost.Count > 0 ? lost : null,
            Links = problem.Links,
            Predicted = PlanPricing.Predictions(problem, best),
        };
        var decision = new ProposePlan(plan, reason, oldMs, newMs);
        _proposal = new Proposal(plan, reason, now, decision.PredictedGain);
        _gain.Reset();
        _qos.Reset();
        decisions.Add(decision);
    }

    private RealizedGain? Realized(TimeSpan now)
    {
        if (_realizing is not { } r || _measured is not { } m || now - r.At < options.HoldFor || m.At - r.At < options.HoldFor)
        {
            return null;
        }

        _realizing = null;
        return new RealizedGain(r.Epoch, r.Reason, r.BeforeMs, m.Ms, r.PredictedGain);
    }

    private void LeaveOut(PlanAck refusal)
    {
        switch (refusal.Reason)
        {
            case PlanRefusalReason.StaleEpoch:
                break; // numbered above it next time (Ack observed its held epoch)
            case PlanRefusalReason.InsufficientMemory when refusal.MemoryAvailableBytes is { } limit:
                _memoryLimits[refusal.Node] = limit;
                break;
            default:
                _excluded.Add(refusal.Node);
                break;
        }
    }

    private bool IsOnline(string node) => _statuses.TryGetValue(node, out var s) && s.Online;

    private bool IsOnlineGateway(string node) =>
        IsOnline(node) && (_statuses[node].Gateway || (_capacities.TryGetValue(node, out var c) && c.Gateway));

    /// <summary>Every known capacity with its status folded in, less the left-out nodes, capped by reported memory.</summary>
    private IEnumerable<NodeCapacity> Usable() =>
        _capacities.Values
            .Where(c => !_excluded.Contains(c.Id) && !_silent.Contains(c.Id))
            .Select(c =>
            {
                _statuses.TryGetValue(c.Id, out var s);
                var capped = _memoryLimits.TryGetValue(c.Id, out var limit) ? Math.Max(0, limit - c.HostedWeightBytes) : c.MemoryAvailableBytes;
                return c with { Online = s?.Online == true, Gateway = s?.Gateway == true || c.Gateway, MemoryAvailableBytes = capped };
            });

    private sealed record Proposal(AgreedPlan Plan, ResplitReason Reason, TimeSpan Since, double? PredictedGain)
    {
        public HashSet<string> Acked { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, PlanAck> Refusals { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Realizing(PlanEpoch Epoch, ResplitReason Reason, double BeforeMs, TimeSpan At, double? PredictedGain);
}
