using EdgeLam.Orchestration.Agreement;
using EdgeLam.Orchestration.Capacity;
using EdgeLam.Orchestration.Tests.Planning;

namespace EdgeLam.Orchestration.Tests.Agreement;

/// <summary>
/// A seeded run of two orchestrators that both believe they are elected, each with its own view of the site (each
/// sees a random part of the status and capacity messages, with its own measurements), against nodes running
/// <see cref="PlanFollower"/>. Plans and acks are delivered late, out of order and twice; prepares finish late or
/// fail. Records every commit decision and what each node runs.
/// </summary>
internal sealed class RivalOrchestrators
{
    private static readonly string[] Peers = ["p1", "p2", "p3"];

    private readonly Random _random;
    private readonly SplitOrchestrator[] _orchestrators;
    private readonly Dictionary<string, PlanFollower> _followers = new(StringComparer.Ordinal);
    private readonly List<Action> _pending = [];
    private readonly List<(string Node, AgreedPlan Plan)> _preparing = [];
    private TimeSpan _now;

    public RivalOrchestrators(int seed)
    {
        _random = new Random(seed);
        _orchestrators = [Orchestrator("g"), Orchestrator("p1")];
        foreach (var node in Peers.Prepend("g"))
        {
            _followers[node] = new PlanFollower(new NodeLimits(node, "m", 1_000_000, IsGateway: node == "g", 1));
        }

        foreach (var orchestrator in _orchestrators)
        {
            foreach (var node in Peers.Prepend("g"))
            {
                if (node == "g" || _random.NextDouble() < 0.8)
                {
                    Report(orchestrator, node, online: true);
                }
            }

            orchestrator.Activate(TimeSpan.Zero);
        }
    }

    /// <summary>Every commit decision, by orchestrator.</summary>
    public List<AgreedPlan> Commits { get; } = [];

    /// <summary>Safety violations: two different plans committed under one number, or two nodes running them.</summary>
    public List<string> Violations { get; } = [];

    public void Run(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var roll = _random.NextDouble();
            if (roll < 0.45 && _pending.Count > 0)
            {
                var at = _random.Next(_pending.Count);
                var deliver = _pending[at];
                _pending.RemoveAt(at);
                deliver();
            }
            else if (roll < 0.5 && _pending.Count > 0)
            {
                _pending.Add(_pending[_random.Next(_pending.Count)]); // delivered twice
            }
            else if (roll < 0.65 && _preparing.Count > 0)
            {
                var at = _random.Next(_preparing.Count);
                var (node, plan) = _preparing[at];
                _preparing.RemoveAt(at);
                var follower = _followers[node];
                Follow(node, _random.NextDouble() < 0.9 ? follower.Prepared(plan.Epoch) : follower.PrepareFailed(plan.Epoch, "load failed"));
            }
            else if (roll < 0.75)
            {
                var orchestrator = _orchestrators[_random.Next(2)];
                var node = Peers[_random.Next(Peers.Length)];
                Report(orchestrator, node, online: _random.NextDouble() < 0.8);
            }
            else
            {
                _now += TimeSpan.FromMilliseconds(_random.Next(100, 1500));
                foreach (var orchestrator in _orchestrators)
                {
                    Act(orchestrator, orchestrator.Decide(_now));
                }
            }

            Check();
        }
    }

    private SplitOrchestrator Orchestrator(string self) =>
        new(self, (ulong)_random.NextInt64(), "m", Problems.Uniform(6), new OrchestrationOptions { HoldFor = TimeSpan.FromSeconds(1) });

    /// <summary>One orchestrator's view of a node: its status and a capacity of its own measuring.</summary>
    private void Report(SplitOrchestrator orchestrator, string node, bool online)
    {
        orchestrator.Status(new NodeStatus(node, online, Eligible: node is "g" or "p1", Gateway: node == "g"));
        orchestrator.Capacity(new NodeCapacity
        {
            Id = node,
            Gateway = node == "g",
            DecodeMsPerUnit = node == "g" ? 10 : 0.5 + (_random.NextDouble() * 8),
            PrefillMsPerPositionPerUnit = 1,
            MemoryAvailableBytes = 1_000_000,
            Links = [.. Peers.Prepend("g").Where(o => o != node).Select(o => new LinkMeasurement(o, 2, 64_000))],
        });
    }

    private void Act(SplitOrchestrator from, IReadOnlyList<OrchestratorDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            var plan = decision switch
            {
                ProposePlan p => p.Plan,
                CommitPlan c => c.Plan,
                _ => null,
            };
            if (decision is CommitPlan commit)
            {
                Commits.Add(commit.Plan);
            }

            if (plan is null)
            {
                continue;
            }

            foreach (var (node, follower) in _followers)
            {
                _pending.Add(() => Follow(node, follower.Receive(plan)));
            }

            foreach (var other in _orchestrators.Where(o => o != from))
            {
                _pending.Add(() => other.Plan(plan));
            }
        }
    }

    private void Follow(string node, FollowerStep step)
    {
        if (step.Prepare is { } prepare)
        {
            _preparing.RemoveAll(p => p.Node == node);
            _preparing.Add((node, prepare));
        }

        if (step.Ack is { } ack)
        {
            foreach (var orchestrator in _orchestrators)
            {
                _pending.Add(() => orchestrator.Ack(ack));
            }
        }
    }

    private void Check()
    {
        foreach (var group in Commits.GroupBy(c => c.Epoch.Number))
        {
            if (group.Select(c => c.Epoch).Distinct().Count() > 1)
            {
                Violations.Add($"two plans committed under number {group.Key}: {string.Join(", ", group.Select(c => c.Epoch).Distinct())}");
            }
        }

        foreach (var group in _followers.Where(f => f.Value.Committed is not null).GroupBy(f => f.Value.Committed!.Epoch.Number))
        {
            if (group.Select(f => f.Value.Committed!.Epoch).Distinct().Count() > 1)
            {
                Violations.Add($"nodes {string.Join(",", group.Select(f => f.Key))} run different plans under number {group.Key}");
            }
        }
    }
}
