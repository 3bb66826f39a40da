using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Resplit.Bench;
using EdgeLam.Testing;

// edgelam re-split bench (issue 13):
//   split-sweep [edgelam-binary] [requests] [tokens]
//   kv-handover [repeats]   (in-process nodes; see KvHandoverBench)
// One 3-node site on one mosquitto: a gateway and two peers, "fast" (Node:Throttle 1) and "slow" (Node:Throttle 2),
// serving a synthetic 6-block model split at every block. Every static split (the gateway keeps >= 1 block; each
// peer order; with both peers or one) is run as `edgelam run` daemons and timed (decode-step p50/p99 of the results'
// stepUs). On the even split the nodes' capacity messages are read by `edgelam plan show` (the planner exactly as it
// runs), and its split's measured latency is compared with the best static one.
var culture = CultureInfo.InvariantCulture;
var mode = args.Length > 0 ? args[0] : "split-sweep";
if (mode == "kv-handover")
{
    return await KvHandoverBench.RunAsync(args.Length > 1 ? int.Parse(args[1], culture) : 5);
}

if (mode != "split-sweep")
{
    Console.Error.WriteLine("usage: split-sweep [edgelam-binary] [requests] [tokens] | kv-handover [repeats]");
    return 2;
}

var binary = args.Length > 1 && args[1].Length > 0 ? args[1] : Path.Combine(TestPaths.RepoRoot, "src", "EdgeLam.Gateway", "bin", "Release", "net10.0", "edgelam");
var requests = args.Length > 2 ? int.Parse(args[2], culture) : 3;
var tokens = args.Length > 3 ? int.Parse(args[3], culture) : 24;
const int PrivacyFloor = 1;
const int Blocks = 6;

using var temp = new TempDirectory("edgelam-resplit-bench-");
var config = SyntheticPresets.Resplit6;
var source = temp.Combine("bench6");
SyntheticModelBuilder.Build(config, 7, SyntheticDataType.Float32, source);
var model = temp.Combine("split");
ModelSplitter.Split(ModelFile.Load(Path.Combine(source, "model.onnx")), SplitPlan.AtBoundaries([.. Enumerable.Range(1, Blocks - 1)]), model);
var segments = ModelSplitter.ReadManifest(model).Segments.Count; // segment i holds block i (0 with the embedding, the last with the head)

using var broker = new MosquittoBroker();
var random = new Random(1);
var prompts = Enumerable.Range(0, requests + 1).Select(_ => (IReadOnlyList<long>)[.. Enumerable.Range(0, 8).Select(_ => (long)random.Next(3, config.VocabSize))]).ToList();
var throttles = new Dictionary<string, double> { ["fast"] = 1, ["slow"] = 2 };

// Every static chain: gateway blocks [0,a], then peer P1 up to b, then (if any left) P2 to the end.
var splits = new List<Split>();
foreach (var (p1, p2) in new[] { ("fast", "slow"), ("slow", "fast") })
{
    for (var a = PrivacyFloor - 1; a < segments - 1; a++)
    {
        for (var b = a + 1; b < segments; b++)
        {
            var chain = new List<(string, int, int)> { ("gw", 0, a), (p1, a + 1, b) };
            if (b < segments - 1)
            {
                chain.Add((p2, b + 1, segments - 1));
            }

            splits.Add(new Split(chain));
        }
    }
}

var even = splits.First(s => s.Chain.Count == 3 && s.Chain[0].Last == 1 && s.Chain[1].Node == "fast" && s.Chain[1].Last == 3);
string? plannerText = null;
var measured = new Dictionary<string, (double P50, double P99)>(StringComparer.Ordinal);
var run = 0;
foreach (var split in (IEnumerable<Split>)[even, .. splits.Where(s => s != even)])
{
    var (p50, p99, count) = await MeasureAsync(split, split == even);
    measured[split.Key] = (p50, p99);
    Console.WriteLine(string.Create(culture, $"{split.Key,-44} decode step p50 {p50,7:F2} ms  p99 {p99,7:F2} ms  ({count} steps)"));
}

Console.WriteLine();
Console.WriteLine("edgelam plan show on the even split's capacity:");
Console.WriteLine(plannerText);
var best = measured.MinBy(m => m.Value.P50);
Console.WriteLine(string.Create(culture, $"best static split: {best.Key}  p50 {best.Value.P50:F2} ms"));

// The planner's plan, else (when it is not a split `edgelam run` can host, e.g. the gateway keeping every block) the
// planner's best alternative that is: plan show lists them by predicted cost.
var plans = PlannedKeys(plannerText!).ToList();
var planned = plans.FirstOrDefault(p => measured.ContainsKey(p.Key));
if (planned.Key is null)
{
    Console.WriteLine("none of the planner's plans is a static split the daemons can host: " + string.Join("; ", plans.Select(p => p.Text)));
    return 1;
}

if (planned.Rank > 0)
{
    Console.WriteLine("the planner's best plan (" + plans[0].Text + ") is not a split `edgelam run` hosts; its best hostable alternative follows");
}

var plannedLatency = measured[planned.Key];
Console.WriteLine(string.Create(culture, $"planner's split:   {planned.Key}  p50 {plannedLatency.P50:F2} ms  (plan show: {planned.Text}; run with the raw codec)"));
Console.WriteLine(string.Create(culture, $"planner / best static (decode step p50, sweep): {plannedLatency.P50 / best.Value.P50:F3} (goal <= 1.05)"));
if (planned.Key == best.Key)
{
    return 0;
}

// The sweep measures each split once, minutes apart, so load drift on a shared machine moves single figures by tens of
// percent. Side by side: the two splits alternate, `rounds` times each, and the ratio is that of the medians.
var bySplit = splits.ToDictionary(s => s.Key, StringComparer.Ordinal);
var rounds = 3;
var ratios = new List<double>();
for (var round = 0; round < rounds; round++)
{
    var (plannedP50, _, _) = await MeasureAsync(bySplit[planned.Key], false);
    var (bestP50, _, _) = await MeasureAsync(bySplit[best.Key], false);
    ratios.Add(plannedP50 / bestP50);
    Console.WriteLine(string.Create(culture, $"side by side, round {round + 1}: planner {plannedP50:F2} ms, best static {bestP50:F2} ms, ratio {plannedP50 / bestP50:F3}"));
}

ratios.Sort();
Console.WriteLine(string.Create(culture, $"planner / best static (decode step p50, side by side, median of {rounds} rounds): {ratios[rounds / 2]:F3} (goal <= 1.05)"));
return 0;

async Task<(double P50, double P99, int Steps)> MeasureAsync(Split split, bool showPlan)
{
    var site = "bench" + (run++).ToString(culture);
    await using var nodes = new BenchSite(binary, model, broker.Port, site, temp);
    await nodes.ConnectAsync();
    foreach (var (node, first, last) in split.Chain)
    {
        var section = new JsonObject
        {
            ["Role"] = node == "gw" ? "gateway" : "peer",
            ["Segments"] = string.Create(culture, $"{first}-{last}"),
            ["ContextLimit"] = 256,
            ["ProbeInterval"] = "1s",
        };
        if (throttles.TryGetValue(node, out var throttle))
        {
            section["Throttle"] = throttle;
        }

        nodes.Start(node, section);
    }

    var names = split.Chain.Select(c => c.Node).ToList();
    nodes.WaitServing("gw", names);
    _ = await nodes.RequestAsync("gw", site + "-warm", prompts[^1], tokens); // warm-up (ORT, caches, measured capacity)
    var steps = new List<double>();
    for (var r = 0; r < requests; r++)
    {
        var results = await nodes.RequestAsync("gw", site + "-" + r.ToString(culture), prompts[r], tokens);
        steps.AddRange(results.Where(x => x["step"]!.GetValue<long>() >= 1).Select(x => x["stepUs"]!.GetValue<long>() / 1000.0));
    }

    steps.Sort();
    if (showPlan)
    {
        Thread.Sleep(2500); // a capacity publication after the measured steps, with the links probed
        plannerText = PlanShow(binary, site, model, broker.Port, PrivacyFloor);
    }

    nodes.StopAll();
    return (steps[steps.Count / 2], steps[Math.Min(steps.Count - 1, (int)Math.Ceiling(steps.Count * 0.99) - 1)], steps.Count);
}

static string PlanShow(string binary, string site, string model, int port, int floor)
{
    var psi = new ProcessStartInfo(binary, ["plan", "show", "--site", site, "--model", model, "--broker", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--privacy-floor", floor.ToString(CultureInfo.InvariantCulture), "--wait", "3"])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var process = Process.Start(psi)!;
    var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
    process.WaitForExit();
    return output;
}

// "best: gw[0,2) -raw-> fast[2,5) -raw-> slow[5,6)+head" and the alternatives' lines -> static split keys, in plan
// show's order (segment i holds block i here; a plan whose head sits on a stage of its own maps to no static split).
static IEnumerable<(string Key, string Text, int Rank)> PlannedKeys(string text)
{
    var rank = 0;
    foreach (var line in text.Split('\n').Select(l => l.Trim()))
    {
        var chain = line.StartsWith("best: ", StringComparison.Ordinal) ? line[6..]
            : line.Contains(" decode step ", StringComparison.Ordinal) && line.Contains('[', StringComparison.Ordinal) ? line[..line.IndexOf("  decode step", StringComparison.Ordinal)]
            : null;
        if (chain is null)
        {
            continue;
        }

        var stages = Regex.Matches(chain, @"([A-Za-z0-9._-]+)\[(\d+),(\d+)\)")
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) - 1))
            .ToList();
        yield return (new Split(stages).Key, chain, rank++);
    }
}

/// <summary>A static chain: (node, first segment, last segment) from the gateway on.</summary>
internal sealed record Split(List<(string Node, int First, int Last)> Chain)
{
    public string Key => string.Join(" -> ", Chain.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Node}[{c.First}-{c.Last}]")));
}
