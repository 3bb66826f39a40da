using System.Diagnostics;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;

namespace EdgeLam.Gateway.Tests.Site;

/// <summary>
/// A subscriber on a site's retained <c>plan</c>: every committed plan with the time it was seen; also each node's
/// latest capacity message (to tell, when a plan does not come, what the orchestrator saw).
/// </summary>
internal sealed class PlanWatch : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly List<(AgreedPlan Plan, TimeSpan At)> _committed = [];
    private readonly Dictionary<string, NodeCapacityMessage> _capacities = [];
    private readonly List<(TimeSpan At, NodeCapacityMessage Capacity)> _capacityLog = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private PlanWatch(MqttClient client)
    {
        _client = client;
    }

    /// <summary>Time since the watch started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public static async Task<PlanWatch> StartAsync(int port, TopicScheme topics)
    {
        var client = MqttClient.Create(new MqttClientOptions { Host = "127.0.0.1", Port = port, ClientId = "plan-watch-" + Guid.NewGuid().ToString("N")[..8], CleanStart = true });
        var watch = new PlanWatch(client);
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await client.SubscribeAsync(topics.Plan);
        await client.SubscribeAsync(topics.AllNodeCapacity);
        watch._run = Task.Run(() => client.RunMessageHandlerAsync(
            (m, _) =>
            {
                if (m.Topic != topics.Plan)
                {
                    var capacity = ControlMessageCodec.DecodeCapacity(m.Payload.Span);
                    lock (watch._committed)
                    {
                        watch._capacities[capacity.Node] = capacity;
                        watch._capacityLog.Add((watch.Now, capacity));
                    }

                    return ValueTask.CompletedTask;
                }

                var plan = ControlMessageCodec.DecodePlan(m.Payload.Span);
                lock (watch._committed)
                {
                    if (plan.Phase == PlanPhase.Commit && watch._committed.All(c => c.Plan.Epoch != plan.Epoch))
                    {
                        watch._committed.Add((plan, watch.Now));
                    }
                }

                return ValueTask.CompletedTask;
            },
            watch._stop.Token));
        return watch;
    }

    /// <summary>The first committed plan after epoch number <paramref name="after"/> that <paramref name="match"/> accepts, and when it was seen.</summary>
    public (AgreedPlan Plan, TimeSpan At) WaitCommitted(long after, Func<AgreedPlan, bool> match, TimeSpan timeout, Func<string> context)
    {
        var deadline = Now + timeout;
        while (Now < deadline)
        {
            lock (_committed)
            {
                foreach (var c in _committed)
                {
                    if (c.Plan.Epoch.Number > after && match(c.Plan))
                    {
                        return c;
                    }
                }
            }

            Thread.Sleep(20);
        }

        throw new Xunit.Sdk.XunitException($"no matching committed plan after epoch {after} within {timeout.TotalSeconds} s; committed: {string.Join(" | ", Committed.Select(c => Describe(c.Plan)))}\n{Capacities()}\n{context()}");
    }

    /// <summary>
    /// Waits until every node of <paramref name="measured"/> publishes a measured decode figure (its own steps, not
    /// its start-up benchmark) and no plan was committed for <paramref name="quiet"/>.
    /// </summary>
    public void WaitSteady(IReadOnlyList<string> measured, TimeSpan quiet, TimeSpan timeout, Func<string> context)
    {
        var deadline = Now + timeout;
        while (Now < deadline)
        {
            lock (_committed)
            {
                var allMeasured = measured.All(n => _capacities.TryGetValue(n, out var c) && c.Models.FirstOrDefault()?.DecodeSource == ComputeSource.Measured);
                if (allMeasured && _committed.Count > 0 && Now - _committed[^1].At >= quiet)
                {
                    return;
                }
            }

            Thread.Sleep(50);
        }

        throw new Xunit.Sdk.XunitException($"no steady site (measured {string.Join(", ", measured)}, no commit for {quiet.TotalSeconds} s) within {timeout.TotalSeconds} s; committed: {string.Join(" | ", Committed.Select(c => Describe(c.Plan)))}\n{Capacities()}\n{context()}");
    }

    public IReadOnlyList<(AgreedPlan Plan, TimeSpan At)> Committed
    {
        get
        {
            lock (_committed)
            {
                return [.. _committed];
            }
        }
    }

    /// <summary>Blocks node <paramref name="node"/> hosts in <paramref name="plan"/> (0 when it takes no part).</summary>
    public static int BlocksOf(AgreedPlan plan, string node) => plan.StagesOf(node).Sum(a => a.EndBlock - a.FirstBlock);

    /// <summary>The capacity messages of <paramref name="node"/> seen from <paramref name="from"/> on: when, and the decode figure with its source.</summary>
    public string CapacityHistory(string node, TimeSpan from)
    {
        lock (_committed)
        {
            return string.Join("; ", _capacityLog.Where(e => e.At >= from && e.Capacity.Node == node).Select(e =>
                $"+{(e.At - from).TotalSeconds:F1} s {e.Capacity.Models.FirstOrDefault()?.DecodeMsPerUnit:E2} ({e.Capacity.Models.FirstOrDefault()?.DecodeSource})"));
        }
    }

    /// <summary>Each node's latest capacity: decode figure and its source, and the links and hops it reports.</summary>
    public string Capacities()
    {
        lock (_committed)
        {
            return string.Join('\n', _capacities.Values.OrderBy(c => c.Node, StringComparer.Ordinal).Select(c =>
                $"{c.Node}: decode {c.Models.FirstOrDefault()?.DecodeMsPerUnit:E3} ms/unit ({c.Models.FirstOrDefault()?.DecodeSource}, {c.Models.FirstOrDefault()?.DecodeSteps} steps), step {c.DecodeStepMs:F1} ms; probes "
                + string.Join(", ", (c.Links ?? []).Select(l => $"{l.To} {l.RoundTripMs:F1} ms {l.BytesPerSecond:E2} B/s"))
                + "; hops " + string.Join(", ", (c.Hops ?? []).Select(h => $"{h.From}->{h.To} {h.OneWayMs:F2} ms"))));
        }
    }

    public static string Describe(AgreedPlan plan) =>
        $"epoch {plan.Epoch.Number}: " + string.Join(" ", plan.Assignments.Select(a => $"{a.Node}[{a.FirstBlock},{a.EndBlock}){(a.Head ? "+head" : "")}"));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
