using EdgeLam.Orchestration.Agreement;

namespace EdgeLam.Orchestration.Tests.Agreement;

/// <summary>
/// A seeded simulation of nodes running the agreement through a broker with retained messages: deliveries are
/// delayed, reordered and duplicated; nodes crash, restart (fresh incarnation, state lost) and are partitioned
/// (the broker publishes their last will; what they send meanwhile arrives after they heal).
/// </summary>
internal sealed class SimulatedCluster
{
    private abstract record Message;

    private sealed record StatusMessage(NodeStatus Status) : Message;

    private sealed record PlanMessage(AgreedPlan Plan) : Message;

    private sealed record AckMessage(PlanAck Ack) : Message;

    private sealed class Node(string id, ulong incarnation)
    {
        public string Id { get; } = id;

        public bool Alive { get; set; } = true;

        public bool Partitioned { get; set; }

        public Dictionary<string, NodeStatus> View { get; } = [];

        public NodePlanGuard Guard { get; set; } = new(new NodeLimits(id, "m", long.MaxValue, IsGateway: false, 0));

        public OrchestratorProposer Proposer { get; set; } = new(id, incarnation);

        public string? ProposedFor { get; set; }

        public PlanEpoch LastProposal { get; set; }

        public List<Message> Outbox { get; } = [];
    }

    private readonly Random _random;
    private readonly List<Node> _nodes;
    private readonly bool[] _eligible;
    private readonly Dictionary<string, NodeStatus> _retainedStatus = [];
    private readonly List<(Node To, Message Message)> _pending = [];
    private readonly Dictionary<PlanEpoch, AgreedPlan> _issued = [];
    private AgreedPlan? _retainedPlan;
    private long _now;

    public SimulatedCluster(int seed)
    {
        _random = new Random(seed);
        var count = _random.Next(3, 6);
        _nodes = [.. Enumerable.Range(0, count).Select(i => new Node($"n{i}", NextIncarnation()))];
        _eligible = [.. _nodes.Select(_ => _random.NextDouble() < 0.7)];
        _eligible[_random.Next(count)] = true;
        foreach (var node in _nodes)
        {
            Connect(node);
        }
    }

    /// <summary>Safety violations seen (two plans under one epoch), described.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Runs <paramref name="steps"/> random events.</summary>
    public void RunChaos(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            _now++;
            var roll = _random.NextDouble();
            if (roll < 0.55 && _pending.Count > 0)
            {
                DeliverAt(_random.Next(_pending.Count));
            }
            else if (roll < 0.65 && _pending.Count > 0)
            {
                var duplicated = _random.Next(_pending.Count);
                _pending.Insert(duplicated + 1, _pending[duplicated]);
            }
            else if (roll < 0.72)
            {
                Crash();
            }
            else if (roll < 0.79)
            {
                Restart(Pick(n => !n.Alive));
            }
            else if (roll < 0.85)
            {
                Partition();
            }
            else if (roll < 0.91)
            {
                Heal(Pick(n => n.Alive && n.Partitioned));
            }
            else if (Pick(n => n.Alive) is { } node)
            {
                Act(node);
            }

            CheckSafety();
        }
    }

    /// <summary>Heals every partition, then delivers everything until nothing is left and nobody proposes.</summary>
    public void Settle()
    {
        foreach (var node in _nodes.Where(n => n.Alive && n.Partitioned).ToList())
        {
            Heal(node);
        }

        for (var round = 0; round < 10_000 && _pending.Count > 0; round++)
        {
            DeliverAt(_random.Next(_pending.Count));
            CheckSafety();
        }
    }

    /// <summary>After <see cref="Settle"/>: the live eligible orchestrator's plan naming every live node is held by all live nodes.</summary>
    public string? LivenessProblem()
    {
        var live = _nodes.Where(n => n.Alive).ToList();
        var orchestrator = OrchestratorElection.Elect(live.Select(n => new NodeStatus(n.Id, true, _eligible[_nodes.IndexOf(n)])));
        if (orchestrator is null)
        {
            return null;
        }

        var liveIds = string.Join(",", live.Select(n => n.Id).Order(StringComparer.Ordinal));
        foreach (var node in live)
        {
            var held = node.Guard.Held;
            if (held is null || held.Orchestrator != orchestrator
                || string.Join(",", held.Assignments.Select(a => a.Node)) != liveIds)
            {
                return $"{node.Id} holds {held?.Epoch.ToString() ?? "nothing"} ({string.Join(",", held?.Assignments.Select(a => a.Node) ?? [])}); expected {orchestrator}'s plan for {liveIds}";
            }
        }

        return null;
    }

    private ulong NextIncarnation() => (ulong)_random.NextInt64();

    private Node? Pick(Func<Node, bool> filter)
    {
        var candidates = _nodes.Where(filter).ToList();
        return candidates.Count == 0 ? null : candidates[_random.Next(candidates.Count)];
    }

    private void Connect(Node node)
    {
        foreach (var status in _retainedStatus.Values)
        {
            _pending.Add((node, new StatusMessage(status)));
        }

        if (_retainedPlan is { } plan)
        {
            _pending.Add((node, new PlanMessage(plan)));
        }

        Publish(node, new StatusMessage(new NodeStatus(node.Id, true, _eligible[_nodes.IndexOf(node)])), retain: true);
    }

    private void Crash()
    {
        if (Pick(n => n.Alive) is not { } node || _nodes.Count(n => n.Alive) <= 1)
        {
            return;
        }

        node.Alive = false;
        node.Outbox.Clear();
        _pending.RemoveAll(p => p.To == node);
        if (!node.Partitioned)
        {
            LastWill(node);
        }

        node.Partitioned = false;
    }

    private void Restart(Node? node)
    {
        if (node is null)
        {
            return;
        }

        node.Alive = true;
        node.View.Clear();
        node.Guard = new NodePlanGuard(new NodeLimits(node.Id, "m", long.MaxValue, IsGateway: false, 0));
        node.Proposer = new OrchestratorProposer(node.Id, NextIncarnation());
        node.ProposedFor = null;
        Connect(node);
    }

    private void Partition()
    {
        if (Pick(n => n.Alive && !n.Partitioned) is not { } node)
        {
            return;
        }

        node.Partitioned = true;
        _pending.RemoveAll(p => p.To == node);
        LastWill(node);
    }

    private void Heal(Node? node)
    {
        if (node is null)
        {
            return;
        }

        node.Partitioned = false;
        var late = node.Outbox.ToList();
        node.Outbox.Clear();
        foreach (var message in late)
        {
            Publish(node, message, retain: message is PlanMessage);
        }

        Connect(node);
    }

    private void LastWill(Node node)
    {
        var offline = new NodeStatus(node.Id, false, _eligible[_nodes.IndexOf(node)]);
        _retainedStatus[node.Id] = offline;
        foreach (var to in _nodes.Where(n => n.Alive && !n.Partitioned))
        {
            _pending.Add((to, new StatusMessage(offline)));
        }
    }

    private void Publish(Node from, Message message, bool retain)
    {
        if (from.Partitioned)
        {
            from.Outbox.Add(message);
            return;
        }

        if (retain)
        {
            switch (message)
            {
                case StatusMessage s:
                    _retainedStatus[s.Status.Id] = s.Status;
                    break;
                case PlanMessage p:
                    _retainedPlan = p.Plan;
                    break;
            }
        }

        foreach (var to in _nodes.Where(n => n.Alive && !n.Partitioned))
        {
            _pending.Add((to, message));
        }
    }

    private void DeliverAt(int index)
    {
        if (_pending[index] is (var to, StatusMessage))
        {
            // Statuses reach one subscriber in the order the broker forwards them (MQTT keeps order per topic at
            // QoS 1); plans and acks are reordered freely.
            index = _pending.FindIndex(p => p.To == to && p.Message is StatusMessage);
        }

        var (node, message) = _pending[index];
        _pending.RemoveAt(index);
        if (!node.Alive || node.Partitioned)
        {
            return;
        }

        switch (message)
        {
            case StatusMessage s:
                node.View[s.Status.Id] = s.Status;
                break;
            case PlanMessage p:
                node.Proposer.Observe(p.Plan.Epoch);
                var ack = node.Guard.Receive(p.Plan);
                if (ack.Accepted && !ReferenceEquals(_issued[p.Plan.Epoch], p.Plan))
                {
                    Violations.Add($"{node.Id} accepted a second plan under {p.Plan.Epoch}");
                }

                Publish(node, new AckMessage(ack), retain: false);
                break;
            case AckMessage a:
                node.Proposer.Observe(a.Ack.Held);
                if (!a.Ack.Accepted && a.Ack.Reason == PlanRefusalReason.StaleEpoch && a.Ack.Epoch == node.LastProposal)
                {
                    node.ProposedFor = null;
                }

                break;
        }

        Act(node);
    }

    private void Act(Node node)
    {
        var view = node.View.Values.Append(new NodeStatus(node.Id, true, _eligible[_nodes.IndexOf(node)])).DistinctBy(s => s.Id).ToList();
        if (OrchestratorElection.Elect(view) != node.Id)
        {
            node.ProposedFor = null;
            return;
        }

        var liveIds = view.Where(s => s.Online || s.Id == node.Id).Select(s => s.Id).Order(StringComparer.Ordinal).ToList();
        var key = string.Join(",", liveIds);
        if (key == node.ProposedFor && !(node.Guard.HeldEpoch > node.LastProposal))
        {
            return;
        }

        node.ProposedFor = key;
        var plan = node.Proposer.Propose(
            "m", [.. liveIds.Select((id, i) => new PlanAssignment(id, i, i + 1, i == 0, i == liveIds.Count - 1, null, 1))], [], _now);
        node.LastProposal = plan.Epoch;
        if (!_issued.TryAdd(plan.Epoch, plan))
        {
            Violations.Add($"{node.Id} issued a second plan under {plan.Epoch}");
        }

        Publish(node, new PlanMessage(plan), retain: true);
    }

    private void CheckSafety()
    {
        foreach (var group in _nodes.Where(n => n.Alive && n.Guard.Held is not null).GroupBy(n => n.Guard.HeldEpoch))
        {
            if (group.Select(n => n.Guard.Held).Distinct(ReferenceEqualityComparer.Instance).Count() > 1)
            {
                Violations.Add($"nodes {string.Join(",", group.Select(n => n.Id))} run different plans under {group.Key}");
            }
        }
    }
}
