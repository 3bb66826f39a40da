using System.Diagnostics;
using System.Globalization;
using EdgeLam.Onnx.Interop;
using EdgeLam.Onnx.Model;
using EdgeLam.Onnx.Model.Split;
using EdgeLam.Onnx.Model.Synthetic;
using EdgeLam.Testing;
using EdgeLam.Transport.Handover;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Codecs;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Resplit.Bench;

/// <summary>
/// Mode <c>kv-handover</c>: a gateway and two peers (<c>fast</c>, <c>slow</c> at <c>Node:Throttle</c> 2), orchestrated
/// <see cref="RoleHost"/>s in this process on one mosquitto (one MQTT client each, one ONNX Runtime thread), serving the
/// synthetic 6-block model split at every block. The bench plays the agreement (prepare on every node, commit on the
/// peers then the gateway) and re-splits between two layouts in which every block but block 0 changes node:
/// A = gw[0,2) -> fast[2,4) -> slow[4,6), B = gw[0,1) -> slow[1,3) -> fast[3,6). It measures, in one run: (1) running
/// conversations re-split by KV handover: decision (prepare starts) → commit → their first step on the new epoch, and
/// their step latency p50/p99 against the same workload without a re-split; (2) moving one conversation at context 64
/// and 512 by KV handover vs by replay: the step that moves (handover + one decode step, or the replay's prefill).
/// </summary>
internal static class KvHandoverBench
{
    private const int Blocks = 6;
    private const int ContextLimit = 1024;
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;
    private static readonly LayoutHop[] ChainA = [new(2, "fast"), new(4, "slow")];
    private static readonly LayoutHop[] ChainB = [new(1, "slow"), new(3, "fast")];

    public static async Task<int> RunAsync(int repeats)
    {
        using var temp = new TempDirectory("edgelam-kv-bench-");
        var config = SyntheticPresets.Resplit6;
        var source = temp.Combine("bench6");
        SyntheticModelBuilder.Build(config, 7, SyntheticDataType.Float32, source);
        var model = temp.Combine("per-block");
        ModelSplitter.Split(ModelFile.Load(Path.Combine(source, "model.onnx")), SplitPlan.AtBoundaries([.. Enumerable.Range(0, Blocks + 1)]), model);

        using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = TestPaths.OnnxRuntimeLibrary, IntraOpThreads = 1 });
        using var broker = new MosquittoBroker();
        var gateway = Options("gw", model, 1);
        var hosts = new Dictionary<string, RoleHost>(StringComparer.Ordinal);
        try
        {
            foreach (var options in new[] { gateway, Options("fast", model, 1), Options("slow", model, 2) })
            {
                var mqtt = new MqttClientOptions { Host = "127.0.0.1", Port = broker.Port, ClientId = "kv-bench-" + options.Node, CleanStart = true };
                hosts[options.Node] = await RoleHost.StartAsync(options, mqtt, runtime, NullLoggerFactory.Instance);
            }

            var site = new Site(hosts);
            await site.PrepareNextAsync();
            await site.CommitAsync(site.Epoch);
            var random = new Random(5);
            long[] Prompt(int length) => [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(3, config.VocabSize))];
            for (var w = 0; w < 3; w++)
            {
                _ = await site.Gateway.GenerateAsync(Prompt(16), 8); // warm-up: ORT, caches
            }

            // (1) Running conversations: steady state vs a re-split by KV handover.
            gateway.KvHandover = KvHandoverMode.Always;
            const int Conversations = 3;
            const int Tokens = 160; // long enough to outlast the prepare (loading the new ranges) on a busy machine
            var steady = new List<double>();
            var resplit = new List<double>();
            var toCommit = new List<double>();
            var toFirstStep = new List<double>();
            var commitToFirstStep = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                var prompts = Enumerable.Range(0, Conversations).Select(_ => Prompt(16)).ToArray();
                steady.AddRange(DecodeSteps(await Task.WhenAll(prompts.Select(p => site.Gateway.GenerateAsync(p, Tokens)))));

                var handedOver = site.Gateway.HandedOver;
                var (generations, started, decision, commit) = await site.RunWithResplitAsync(prompts, Tokens, atLastStageSteps: Conversations * 8);
                resplit.AddRange(DecodeSteps(generations));
                toCommit.Add(Stopwatch.GetElapsedTime(decision, commit).TotalMilliseconds);
                var first = FirstStepOn(site.ActiveChain, generations, started) - Stopwatch.GetElapsedTime(started, decision).TotalMilliseconds;
                if (!double.IsNaN(first))
                {
                    toFirstStep.Add(first);
                    commitToFirstStep.Add(first - toCommit[^1]);
                }

                Console.WriteLine(string.Create(Culture, $"re-split {r + 1}: decision -> commit {toCommit[^1]:F1} ms, -> first step on epoch {site.Epoch} {toFirstStep[^1]:F1} ms; handed over {site.Gateway.HandedOver - handedOver}, failed {site.Gateway.HandoversFailed}"));
            }

            Console.WriteLine(string.Create(Culture, $"decision -> commit: median {Median(toCommit):F1} ms; decision -> first step on the new epoch: median {Median(toFirstStep):F1} ms ({toFirstStep.Count} of {repeats} re-splits moved running conversations); commit -> first step: median {Median(commitToFirstStep):F1} ms"));
            Console.WriteLine(string.Create(Culture, $"step latency of running conversations, steady:   p50 {Percentile(steady, 0.5):F2} ms  p99 {Percentile(steady, 0.99):F2} ms  ({steady.Count} steps)"));
            Console.WriteLine(string.Create(Culture, $"step latency of running conversations, re-split: p50 {Percentile(resplit, 0.5):F2} ms  p99 {Percentile(resplit, 0.99):F2} ms  ({resplit.Count} steps)"));

            // (2) One conversation moved at context 64 and 512: KV handover vs replay.
            foreach (var context in new[] { 64, 512 })
            {
                var moves = new Dictionary<KvHandoverMode, List<double>> { [KvHandoverMode.Always] = [], [KvHandoverMode.Off] = [] };
                var decode = new List<double>();
                for (var r = 0; r < repeats; r++)
                {
                    var prompt = Prompt(context - 2);
                    IReadOnlyList<long>? tokens = null;
                    foreach (var mode in moves.Keys)
                    {
                        gateway.KvHandover = mode;
                        var (generations, _, _, _) = await site.RunWithResplitAsync([prompt], 5, atLastStageSteps: 2, commitInline: true);
                        var steps = generations[0].Steps;
                        moves[mode].Add(steps[2].Elapsed.TotalMilliseconds); // the step that moves holds `context` positions
                        decode.Add(steps[3].Elapsed.TotalMilliseconds);
                        if (tokens is not null && !tokens.SequenceEqual(generations[0].Tokens))
                        {
                            Console.Error.WriteLine("handover and replay gave different tokens at context " + context);
                            return 1;
                        }

                        tokens = generations[0].Tokens;
                    }
                }

                Console.WriteLine(string.Create(Culture, $"context {context,3}: move by KV handover {Median(moves[KvHandoverMode.Always]),7:F1} ms, by replay {Median(moves[KvHandoverMode.Off]),7:F1} ms (median of {repeats}; the next decode step {Median(decode):F1} ms; tokens equal)"));
            }

            Console.WriteLine(string.Create(Culture, $"handed over {site.Gateway.HandedOver}, failed {site.Gateway.HandoversFailed}, refused parts {site.Gateway.HandoverRejected + hosts["fast"].Peer!.HandoverRejected + hosts["slow"].Peer!.HandoverRejected}"));
            return 0;
        }
        finally
        {
            foreach (var host in hosts.Values)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static NodeRoleOptions Options(string node, string model, double throttle) => new()
    {
        Site = "kvbench",
        Node = node,
        ModelDirectory = model,
        Orchestrated = node == "gw" ? LayoutRole.Gateway : LayoutRole.Peer,
        ContextLimit = ContextLimit,
        Tuning = StageTuning.Default with { Throttle = throttle },
    };

    private static IEnumerable<double> DecodeSteps(GatewayGeneration[] generations) =>
        generations.SelectMany(g => g.Steps.Where(s => s.Step >= 1).Select(s => s.Elapsed.TotalMilliseconds));

    /// <summary>Milliseconds from <paramref name="started"/> to the end of the first step any generation ran on <paramref name="chain"/> (steps run back to back).</summary>
    private static double FirstStepOn(string[] chain, GatewayGeneration[] generations, long started) =>
        generations.Min(g =>
        {
            var at = 0.0;
            foreach (var step in g.Steps)
            {
                at += step.Elapsed.TotalMilliseconds;
                if (step.Stages.Select(t => t.Node).SequenceEqual(chain))
                {
                    return at;
                }
            }

            return double.NaN;
        });

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * p) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The bench's agreement: prepares and commits the next layout (A and B in turn) on every node.</summary>
    private sealed class Site(Dictionary<string, RoleHost> hosts)
    {
        public uint Epoch { get; private set; }

        public GatewayRole Gateway => hosts["gw"].Gateway!;

        /// <summary>The nodes of the active epoch's steps, gateway first.</summary>
        public string[] ActiveChain => ["gw", .. (Epoch % 2 == 1 ? ChainA : ChainB).Select(h => h.Node)];

        public async Task PrepareNextAsync()
        {
            var epoch = Epoch + 1;
            var chain = epoch % 2 == 1 ? ChainA : ChainB;
            var layouts = new Dictionary<string, NodeLayout>(StringComparer.Ordinal)
            {
                // Every newer epoch is predicted faster, so running conversations always move (LayoutMove).
                ["gw"] = new NodeLayout(epoch, 0, chain[0].Boundary, WireCodec.Raw, chain) { Predicted = new LayoutCost(1000.0 / epoch, 0, 0) },
            };
            for (var i = 0; i < chain.Length; i++)
            {
                layouts[chain[i].Node] = new NodeLayout(epoch, chain[i].Boundary, i + 1 < chain.Length ? chain[i + 1].Boundary : Blocks, WireCodec.Raw, chain);
            }

            await Task.WhenAll(layouts.Select(l => hosts[l.Key].Layouts!.PrepareAsync(l.Value, CancellationToken.None)));
            Epoch = epoch;
        }

        public async Task CommitAsync(uint epoch)
        {
            foreach (var peer in new[] { "fast", "slow" })
            {
                await hosts[peer].Layouts!.CommitAsync(epoch, [], CancellationToken.None);
            }

            await hosts["gw"].Layouts!.CommitAsync(epoch, [], CancellationToken.None);
        }

        /// <summary>
        /// Runs the prompts; when the active epoch's last stage has served <paramref name="atLastStageSteps"/> steps,
        /// re-splits: in the background (prepare, then commit: a re-split as the agreement runs it), or with the next
        /// epoch prepared beforehand and committed before that step's reply leaves (<paramref name="commitInline"/>:
        /// the conversation moves at exactly the next step). Returns the generations and the timestamps of the start,
        /// the decision and the commit.
        /// </summary>
        public async Task<(GatewayGeneration[] Generations, long Started, long Decision, long Commit)> RunWithResplitAsync(long[][] prompts, int tokens, int atLastStageSteps, bool commitInline = false)
        {
            if (commitInline)
            {
                await PrepareNextAsync();
            }

            var last = hosts[(Epoch % 2 == (commitInline ? 0u : 1u) ? ChainA : ChainB)[^1].Node].Peer!;
            var served = 0;
            long decision = 0, commit = 0;
            Task resplit = Task.CompletedTask;
            void OnServed(StageTiming timing, bool prefill)
            {
                if (Interlocked.Increment(ref served) != atLastStageSteps)
                {
                    return;
                }

                decision = Stopwatch.GetTimestamp();
                if (commitInline)
                {
                    hosts["gw"].Layouts!.CommitAsync(Epoch, [], CancellationToken.None).GetAwaiter().GetResult();
                    commit = Stopwatch.GetTimestamp();
                    resplit = Task.Run(async () =>
                    {
                        foreach (var peer in new[] { "fast", "slow" })
                        {
                            await hosts[peer].Layouts!.CommitAsync(Epoch, [], CancellationToken.None);
                        }
                    });
                }
                else
                {
                    resplit = Task.Run(async () =>
                    {
                        await PrepareNextAsync();
                        await CommitAsync(Epoch);
                        commit = Stopwatch.GetTimestamp();
                    });
                }
            }

            last.StepServed += OnServed;
            try
            {
                var started = Stopwatch.GetTimestamp();
                var generations = await Task.WhenAll(prompts.Select(p => Gateway.GenerateAsync(p, tokens)));
                await resplit;
                return (generations, started, decision, commit);
            }
            finally
            {
                last.StepServed -= OnServed;
            }
        }
    }
}
