using System.Diagnostics;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Transport.Topics;
using static EdgeLam.Gateway.Tests.Orchestration.AgreementSite;

namespace EdgeLam.Gateway.Tests.Orchestration;

public class AgreementServiceTests
{
    private static readonly OrchestrationOptions Defaults = new() { Enabled = true };

    private static async Task<AgreementSite> StartedSite(double aMs = 1, double bMs = 3, OrchestrationOptions? options = null)
    {
        var site = new AgreementSite("gw", "a", "b");
        await site.StartAsync(options ?? Defaults);
        await site.PublishAsync(site.Topics.NodePlanAck("a"), "{not json"u8.ToArray(), retain: false); // skipped, never fatal
        foreach (var (node, ms) in new[] { ("gw", 10.0), ("a", aMs), ("b", bMs) })
        {
            await site.StatusAsync(node);
            await site.CapacityAsync(node, ms);
        }

        return site;
    }

    [Fact]
    public async Task AgreementService_ThreeNodes_FirstPlanPreparedOnEveryNodeThenCommitted()
    {
        await using var site = await StartedSite();

        var plan = site.WaitForCommitted(_ => true, TimeSpan.FromSeconds(15));

        Assert.NotNull(plan);
        Assert.Equal("gw", plan.Orchestrator);
        Assert.Equal(1, Blocks(plan, "gw"));
        Assert.Equal(7, Blocks(plan, "a"));
        var epoch = (uint)plan.Epoch.Number;
        Assert.Equal(["prepare " + epoch, "commit " + epoch], site.Layouts["a"].Calls);
        var layout = site.Layouts["a"].Layout(epoch)!;
        Assert.Equal((1, 8), (layout.FirstBlock, layout.EndBlock));
        Assert.Equal([new EdgeLam.Transport.Layouts.LayoutHop(1, "a")], layout.Chain);
        Assert.Empty(site.Layouts["b"].Calls); // not in the plan: nothing loaded
        var plans = site.Plans();
        var prepared = plans.FindIndex(p => p.Epoch == plan.Epoch && p.Phase == PlanPhase.Prepare);
        var committed = plans.FindIndex(p => p.Epoch == plan.Epoch && p.Phase == PlanPhase.Commit);
        Assert.InRange(prepared, 0, committed - 1);
    }

    [Fact]
    public async Task AgreementService_PeerSlowed4x_ResplitsWithinTenSecondsWithDefaults()
    {
        await using var site = await StartedSite();
        var first = site.WaitForCommitted(_ => true, TimeSpan.FromSeconds(15))!;

        var slowed = Stopwatch.StartNew();
        await site.CapacityAsync("a", 4); // a 4x slower: b (3 ms/unit) is now the faster peer
        var moved = site.WaitForCommitted(p => p.Epoch.Number > first.Epoch.Number, TimeSpan.FromSeconds(15));
        var elapsed = slowed.Elapsed;

        Assert.NotNull(moved);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"re-split took {elapsed}");
        Assert.True(elapsed >= Defaults.HoldFor, $"re-split after {elapsed}, before the hold time");
        Assert.True(Blocks(moved, "b") > Blocks(moved, "a"));
    }

    [Fact]
    public async Task AgreementService_PeerGoesOffline_ReplansAtOnceAndNamesItLostOnCommit()
    {
        await using var site = await StartedSite();
        var first = site.WaitForCommitted(_ => true, TimeSpan.FromSeconds(15))!;

        var left = Stopwatch.StartNew();
        await site.StatusAsync("a", NodeState.Offline); // its last will
        var replanned = site.WaitForCommitted(p => p.Epoch.Number > first.Epoch.Number, TimeSpan.FromSeconds(15));

        Assert.NotNull(replanned);
        Assert.True(left.Elapsed < Defaults.HoldFor, $"took {left.Elapsed}: NodeLeft must not wait for the hold time");
        Assert.Equal(["a"], replanned.Lost);
        Assert.Equal(7, Blocks(replanned, "b"));
        Assert.Equal(["a"], site.Layouts["gw"].Commits[(uint)replanned.Epoch.Number]);
    }

    [Fact]
    public async Task AgreementService_PeerFailsToPrepare_RefusesAndIsPlannedOut()
    {
        var site = new AgreementSite("gw", "a", "b");
        await using var _ = site;
        await site.StartAsync(Defaults);
        site.Layouts["a"].FailPrepare = true;
        foreach (var (node, ms) in new[] { ("gw", 10.0), ("a", 1.0), ("b", 3.0) })
        {
            await site.StatusAsync(node);
            await site.CapacityAsync(node, ms);
        }

        var plan = site.WaitForCommitted(_ => true, TimeSpan.FromSeconds(15));

        Assert.NotNull(plan);
        Assert.Equal(0, Blocks(plan, "a"));
        Assert.Equal(7, Blocks(plan, "b"));
        var refusal = site.Broker.Published
            .Where(m => m.Topic == site.Topics.NodePlanAck("a") && m.Payload.Length > 0 && m.Payload[0] == (byte)'{' && m.Payload.Length > 20)
            .Select(m => ControlMessageCodec.DecodePlanAck(m.Payload))
            .First();
        Assert.Equal(PlanRefusalReason.PrepareFailed, refusal.Reason);
        Assert.Contains("segment files missing", refusal.Detail, StringComparison.Ordinal);
    }
}
