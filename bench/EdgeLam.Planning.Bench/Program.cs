using System.Diagnostics;
using System.Globalization;
using EdgeLam.Orchestration.Planning;
using EdgeLam.Orchestration.Tests.Planning;

// edgelam planning bench:
//   timing [blocks] [nodes]          median planning time of random instances (default 100 blocks, 6 nodes)
//   verify [instances] [max-blocks]  planner vs brute force on random instances without the CI test's size bounds
var mode = args.Length > 0 ? args[0] : "timing";
var culture = CultureInfo.InvariantCulture;
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], culture) : fallback;

if (mode == "timing")
{
    var blocks = Arg(1, 100);
    var nodes = Arg(2, 6);
    var random = new Random(1);
    var times = new List<double>();
    for (var i = 0; i < 30; i++)
    {
        var problem = Scaled(RandomProblems.Create(random), blocks, nodes, random);
        var clock = Stopwatch.StartNew();
        var result = SplitPlanner.Plan(problem);
        times.Add(clock.Elapsed.TotalMilliseconds);
        _ = result;
    }

    times.Sort();
    Console.WriteLine(string.Create(culture, $"{blocks} blocks, {nodes} nodes: median {times[times.Count / 2]:F2} ms, max {times[^1]:F2} ms over {times.Count} plans"));
    return 0;
}

if (mode == "verify")
{
    var instances = Arg(1, 10_000);
    var maxBlocks = Arg(2, 12);
    var random = new Random(Arg(3, 42));
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < instances; i++)
    {
        var problem = RandomProblems.Create(random, maxBlocks, bounded: false);
        var expected = BruteForcePlanner.Optimum(problem);
        var actual = SplitPlanner.Plan(problem).Best;
        var same = expected is null ? actual is null
            : actual is not null && Math.Abs(expected.Cost - actual.Cost) <= 1e-9 * Math.Max(1, Math.Abs(expected.Cost));
        if (!same)
        {
            Console.WriteLine(string.Create(culture, $"instance {i}: brute force {expected?.Cost}, planner {actual?.Cost} ({actual})"));
            return 1;
        }
    }

    Console.WriteLine(string.Create(culture, $"{instances} instances (up to {maxBlocks} blocks, 6 nodes) equal the brute force in {clock.Elapsed.TotalSeconds:F1} s"));
    return 0;
}

Console.Error.WriteLine("usage: timing [blocks] [nodes] | verify [instances] [max-blocks] [seed]");
return 2;

// A random instance stretched to the given size: blocks repeated, nodes filled up with peers.
static PlanningProblem Scaled(PlanningProblem p, int blocks, int nodes, Random random)
{
    var costs = p.Costs;
    var list = Enumerable.Range(0, blocks).Select(i => costs.Blocks[i % costs.BlockCount]).ToList();
    var cuts = Enumerable.Range(0, blocks + 1).Select(i => costs.Cuts[Math.Min(i, costs.BlockCount)] ?? costs.Cuts.FirstOrDefault(c => c is not null)).ToList();
    var all = p.Nodes.Take(1).Select(n => n with { MemoryAvailableBytes = long.MaxValue / 4 }).ToList();
    for (var i = all.Count; i < nodes; i++)
    {
        all.Add(new PlanningNode("peer" + i, false, true, random.NextDouble(), random.NextDouble() * 0.1, long.MaxValue / 4));
    }

    var links = all.SelectMany(a => all.Where(b => b != a).Select(b => new NodeLink(a.Id, b.Id, random.NextDouble() * 10, 1e6 + (random.NextDouble() * 1e8)))).ToList();
    return p with
    {
        Costs = costs with { Blocks = list, Cuts = cuts },
        Nodes = all,
        Links = links,
        Constraints = p.Constraints with { PrivacyFloor = 1, CutCodecs = new Dictionary<int, IReadOnlyList<EdgeLam.Wire.Codecs.WireCodec>>() },
    };
}
