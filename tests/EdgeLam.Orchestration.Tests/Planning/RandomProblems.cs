using EdgeLam.Orchestration.Planning;
using EdgeLam.Wire.Codecs;

namespace EdgeLam.Orchestration.Tests.Planning;

/// <summary>
/// Seeded random planning problems: 1 to 6 nodes (sometimes several gateways, sometimes ineligible peers), up to 40
/// blocks, heterogeneous speeds, loads, memories (often binding), missing links, uncuttable boundaries and codec limits.
/// Block counts shrink as peers grow so that the brute-force enumeration stays fast.
/// </summary>
internal static class RandomProblems
{
    /// <param name="bounded">Shrink the block count as peers grow (the CI test); false keeps up to <paramref name="maxBlocksCap"/> for any node count (the bench's long mode).</param>
    public static PlanningProblem Create(Random random, int maxBlocksCap = 40, bool bounded = true)
    {
        var nodeCount = random.Next(1, 7);
        var gatewayCount = random.NextDouble() < 0.2 ? Math.Min(nodeCount, random.Next(2, 4)) : 1;
        var peerCount = nodeCount - gatewayCount;
        var maxBlocks = bounded ? Math.Min(maxBlocksCap, peerCount switch { <= 2 => 40, 3 => 16, 4 => 9, _ => 6 }) : maxBlocksCap;
        var length = random.Next(1, maxBlocks + 1);

        var blocks = Enumerable.Range(0, length)
            .Select(_ => new BlockCost(random.Next(1, 1000) * 1000L, random.Next(0, 200), random.Next(1, 20) * (random.NextDouble() < 0.5 ? 1 : 0.37)))
            .ToList();
        var embedding = new EndCost(random.Next(0, 2000) * 1000L, random.NextDouble() * 5);
        var head = new EndCost(random.Next(0, 2000) * 1000L, random.NextDouble() * 10);
        var cuts = new List<CutCost?>();
        for (var b = 0; b <= length; b++)
        {
            var missing = (b == 0 || b == length) ? random.NextDouble() < 0.3 : random.NextDouble() < 0.05;
            var hidden = random.Next(1, 200) * 8;
            var floats = random.NextDouble() < 0.9;
            cuts.Add(missing ? null : new CutCost(
                hidden * 4L * (floats ? 1 : 2),
                floats ? hidden * 2L : null,
                floats ? hidden * 2L : null,
                floats ? hidden + (2L * ((hidden + 31) / 32)) : null));
        }

        var costs = new CostTable(blocks, embedding, head, cuts, random.Next(4, 5000));
        var context = random.Next(1, 64);
        var sessions = random.Next(1, 3);
        var totalNeed = blocks.Sum(b => b.WeightBytes + (b.KvBytesPerPosition * (long)context * sessions * gatewayCount))
            + embedding.WeightBytes + head.WeightBytes;

        var nodes = new List<PlanningNode>();
        for (var i = 0; i < nodeCount; i++)
        {
            var gateway = i < gatewayCount;
            nodes.Add(new PlanningNode(
                (gateway ? "gw" : "peer") + i,
                gateway,
                EligibleAsPeer: !gateway && random.NextDouble() < 0.9,
                DecodeMsPerUnit: 0.01 + (random.NextDouble() * 2),
                PrefillMsPerPositionPerUnit: 0.001 + (random.NextDouble() * 0.5),
                MemoryAvailableBytes: (long)(totalNeed * (0.05 + (random.NextDouble() * 1.1))),
                LoadFactor: 1 + (random.NextDouble() < 0.5 ? 0 : random.NextDouble() * 3),
                StepOverheadMs: random.NextDouble() < 0.5 ? 0 : random.NextDouble() * 2,
                RequestWeight: gateway ? 0.5 + random.Next(0, 3) : 1));
        }

        var links = new List<NodeLink>();
        foreach (var from in nodes)
        {
            foreach (var to in nodes)
            {
                if (from != to && random.NextDouble() < 0.88)
                {
                    links.Add(new NodeLink(from.Id, to.Id, random.NextDouble() * 20, Math.Pow(10, 4 + (random.NextDouble() * 5))));
                }
            }
        }

        var all = new[] { WireCodec.Raw, WireCodec.Float16, WireCodec.BFloat16, WireCodec.Int8Block32 };
        var allowed = random.NextDouble() < 0.3 ? all.Where(_ => random.NextDouble() < 0.6).ToArray() : all;
        var cutCodecs = new Dictionary<int, IReadOnlyList<WireCodec>>();
        if (random.NextDouble() < 0.3)
        {
            cutCodecs[random.Next(0, length + 1)] = random.NextDouble() < 0.5 ? [] : [WireCodec.Raw];
        }

        var codecCosts = new Dictionary<WireCodec, double>();
        if (random.NextDouble() < 0.5)
        {
            foreach (var c in all)
            {
                codecCosts[c] = random.NextDouble() * 1e-3;
            }
        }

        var problem = new PlanningProblem
        {
            Costs = costs,
            Nodes = nodes,
            Links = links,
            Constraints = new PlanningConstraints
            {
                PrivacyFloor = random.Next(0, Math.Min(length, 4) + 1),
                ContextLimit = context,
                SessionsPerGateway = sessions,
                AllowedCodecs = allowed,
                CutCodecs = cutCodecs,
                DecodeStepTargetMs = random.NextDouble() < 0.2 ? random.NextDouble() * 100 : null,
            },
            Objective = new PlanningObjective
            {
                PrefillWeight = random.NextDouble() < 0.5 ? 0 : random.NextDouble() * 0.2,
                PromptLength = random.Next(1, 300),
            },
            CodecMsPerByte = codecCosts,
        };

        // One in five requires a peer, decided from a value already drawn so the instances stay those of before.
        return problem.Objective.PromptLength % 5 == 0 ? problem with { Constraints = problem.Constraints with { PeerRequired = true } } : problem;
    }
}
