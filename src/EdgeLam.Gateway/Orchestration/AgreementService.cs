using System.Globalization;
using System.Threading.Channels;
using EdgeLam.Hosting.Metrics;
using EdgeLam.Orchestration.Agreement;
using EdgeLam.Transport.Layouts;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Orchestration;

/// <summary>
/// The live agreement on one node (<c>Orchestration:Enabled</c>): feeds the broker's statuses, capacities, plans and
/// answers to the node's <see cref="PlanFollower"/> (always) and <see cref="SplitOrchestrator"/> (active while
/// <see cref="OrchestratorElection"/> elects this node; on take-over it has observed the retained plan, so its first
/// plan supersedes), evaluates every <c>Orchestration:EvaluateInterval</c>, publishes the orchestrator's decisions and
/// drives the node's <see cref="ILayoutHost"/>: prepare (in the background; then answer), commit, abandon. One loop
/// owns all state. A failure is logged and ends only the agreement: the node keeps serving its current layout.
/// </summary>
internal sealed class AgreementService(
    AgreementSetup setup,
    OrchestrationOptions options,
    AgreementLink link,
    Func<CancellationToken, Task<ILayoutHost?>> layouts,
    EdgeLamMetrics metrics,
    TimeProvider time,
    ILogger<AgreementService> logger) : BackgroundService
{
    private readonly Channel<AgreementInput> _inputs = Channel.CreateUnbounded<AgreementInput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PlanFollower _follower = new(setup.Limits);
    private readonly SplitOrchestrator _orchestrator = new(setup.Node, setup.Incarnation, setup.Model, setup.Costs, options);
    private readonly Dictionary<string, NodeStatusMessage> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _gatewaySteps = new(StringComparer.Ordinal);
    private readonly long _start = time.GetTimestamp();
    private ILayoutHost? _layouts;
    private long _observed;

    private TimeSpan Now => time.GetElapsedTime(_start);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            _layouts = await layouts(stoppingToken).ConfigureAwait(false);
            await link.StartAsync(stoppingToken).ConfigureAwait(false);
            var pump = link.RunAsync(_inputs.Writer, stoppingToken);
            await LoopAsync(stoppingToken).ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the agreement must never take the daemon down: the node keeps its layout
        catch (Exception e)
#pragma warning restore CA1031
        {
            AgreementLog.Failed(logger, e.Message, e);
        }
        finally
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.EvaluateInterval, time);
        var tick = timer.WaitForNextTickAsync(stopping).AsTask();
        var read = _inputs.Reader.WaitToReadAsync(stopping).AsTask(); // one wait at a time: the channel has a single reader
        while (!stopping.IsCancellationRequested)
        {
            await Task.WhenAny(read, tick).ConfigureAwait(false);
            if (read.IsCompleted)
            {
                if (!await read.ConfigureAwait(false))
                {
                    return;
                }

                var decide = false;
                while (_inputs.Reader.TryRead(out var input))
                {
                    await HandleAsync(input, stopping).ConfigureAwait(false);
                    decide |= input is AckInput or CapacityInput;
                }

                read = _inputs.Reader.WaitToReadAsync(stopping).AsTask();
                if (decide && _orchestrator.Active)
                {
                    // At once, not at the next tick: a proposal commits when its last ack arrives, and a changed
                    // capacity starts (or breaks) the hysteresis when it arrives.
                    await DecideAsync(stopping).ConfigureAwait(false);
                }
            }

            if (tick.IsCompleted)
            {
                if (!await tick.ConfigureAwait(false))
                {
                    return;
                }

                await DecideAsync(stopping).ConfigureAwait(false);
                tick = timer.WaitForNextTickAsync(stopping).AsTask();
            }
        }
    }

    private async Task HandleAsync(AgreementInput input, CancellationToken stopping)
    {
        switch (input)
        {
            case StatusInput s:
                _statuses[s.Status.Node] = s.Status;
                _orchestrator.Status(AgreementSetup.StatusOf(s.Status));
                Elect();
                break;
            case CapacityInput c:
                _statuses.TryGetValue(c.Capacity.Node, out var status);
                _orchestrator.Capacity(setup.CapacityOf(c.Capacity, status));
                MeasureStep(c.Capacity);
                break;
            case PlanInput p:
                _observed = Math.Max(_observed, p.Plan.Epoch.Number);
                _orchestrator.Plan(p.Plan);
                await FollowAsync(_follower.Receive(p.Plan), stopping).ConfigureAwait(false);
                break;
            case AckInput a:
                _observed = Math.Max(_observed, a.Ack.Held.Number);
                _orchestrator.Ack(a.Ack);
                break;
            case PreparedInput r:
                await FollowAsync(r.Failure is null ? _follower.Prepared(r.Epoch) : _follower.PrepareFailed(r.Epoch, r.Failure), stopping).ConfigureAwait(false);
                break;
        }
    }

    private void Elect()
    {
        var elected = OrchestratorElection.Elect(_statuses.Values.Select(AgreementSetup.StatusOf));
        if (elected == setup.Node && options.Eligible)
        {
            if (!_orchestrator.Active)
            {
                AgreementLog.TookOver(logger, setup.Node, _observed);
                _orchestrator.Activate(Now);
            }
        }
        else if (_orchestrator.Active)
        {
            AgreementLog.SteppedDown(logger, setup.Node, elected);
            _orchestrator.Deactivate();
        }
    }

    /// <summary>The measured decode step: the slowest online gateway's median (its capacity's <c>decodeStepMs</c>).</summary>
    private void MeasureStep(NodeCapacityMessage capacity)
    {
        if (capacity.DecodeStepMs is not { } ms)
        {
            return;
        }

        _gatewaySteps[capacity.Node] = ms;
        var worst = _gatewaySteps
            .Where(g => _statuses.TryGetValue(g.Key, out var s) && s.State == NodeState.Online)
            .Select(g => g.Value)
            .DefaultIfEmpty(ms)
            .Max();
        metrics.SetMeasuredStep(worst);
        _orchestrator.StepMeasured(worst, Now);
    }

    private async Task DecideAsync(CancellationToken stopping)
    {
        foreach (var decision in _orchestrator.Decide(Now))
        {
            switch (decision)
            {
                case ProposePlan p:
                    AgreementLog.Proposed(logger, p.Plan.Epoch.Number, p.Reason, Ms(p.OldStepMs), Ms(p.NewStepMs), Fraction(p.PredictedGain), Describe(p.Plan));
                    metrics.Resplit(p.Reason.ToString());
                    metrics.SetPredictedStep(p.NewStepMs);
                    await link.PublishAsync(p.Plan, stopping).ConfigureAwait(false);
                    break;
                case CommitPlan c:
                    AgreementLog.Committed(logger, c.Plan.Epoch.Number, c.Reason);
                    await link.PublishAsync(c.Plan, stopping).ConfigureAwait(false);
                    break;
                case AbandonPlan a:
                    AgreementLog.Abandoned(logger, a.Plan.Epoch.Number, a.Why, string.Join(",", a.Nodes));
                    break;
                case NoPlan n:
                    AgreementLog.NoPlan(logger, n.Infeasibility.ToString(), string.Join("; ", n.LeftOut));
                    break;
                case RealizedGain r:
                    AgreementLog.Realized(logger, r.Epoch.Number, r.Reason, Ms(r.BeforeMs), Ms(r.AfterMs), Fraction(r.Gain), Fraction(r.PredictedGain));
                    break;
            }
        }
    }

    private async Task FollowAsync(FollowerStep step, CancellationToken stopping)
    {
        if (step.Abandon is { } abandon && _layouts is { } host)
        {
            await LayoutCallAsync(abandon, "abandon", () => host.AbandonAsync((uint)abandon.Epoch.Number, stopping)).ConfigureAwait(false);
        }

        if (step.Prepare is { } prepare)
        {
            _ = Task.Run(() => PrepareAsync(prepare, stopping), CancellationToken.None);
        }

        if (step.Ack is { } ack)
        {
            if (!ack.Accepted)
            {
                AgreementLog.Refused(logger, ack.Epoch.Number, ack.Reason, ack.Detail);
            }

            await link.PublishAsync(ack, stopping).ConfigureAwait(false);
        }

        if (step.Commit is { } commit && _layouts is { } layoutHost && (commit.StagesOf(setup.Node).Any() || !setup.Limits.IsGateway))
        {
            var lost = commit.Lost ?? [];
            if (await LayoutCallAsync(commit, "commit", () => layoutHost.CommitAsync((uint)commit.Epoch.Number, lost, stopping)).ConfigureAwait(false))
            {
                metrics.SetEpoch(commit.Epoch.Number);
                AgreementLog.Switched(logger, commit.Epoch.Number, lost.Count == 0 ? "none" : string.Join(",", lost));
            }
        }
    }

    /// <summary>Loads this node's part beside the running layout, then posts the outcome back to the loop.</summary>
    private async Task PrepareAsync(AgreedPlan plan, CancellationToken stopping)
    {
        string? failure = null;
        try
        {
            var layout = AgreementSetup.LayoutOf(plan, setup.Node);
            if (_layouts is not { } host)
            {
                failure = "this node's roles cannot switch layouts (no layout host)";
            }
            else if (layout is null)
            {
                failure = $"epoch number {plan.Epoch.Number} does not fit a frame's 32 bits";
            }
            else
            {
                await host.PrepareAsync(layout, stopping).ConfigureAwait(false);
                AgreementLog.Prepared(logger, plan.Epoch.Number, layout.FirstBlock, layout.EndBlock);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // any failure to load is a refusal with its message, never a crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e.Message;
        }

        _inputs.Writer.TryWrite(new PreparedInput(plan.Epoch, failure));
    }

    private async Task<bool> LayoutCallAsync(AgreedPlan plan, string action, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // logged; the node keeps its current layout
        catch (Exception e)
#pragma warning restore CA1031
        {
            AgreementLog.LayoutFailed(logger, plan.Epoch.Number, action, e);
            return false;
        }
    }

    private static string Describe(AgreedPlan plan) =>
        string.Join(" ", plan.Assignments.Select(a => string.Create(
            CultureInfo.InvariantCulture,
            $"{a.Node}[{a.FirstBlock},{a.EndBlock}){(a.Head ? "+head" : string.Empty)}{(a.CodecToNext is { } c ? " -" + c + "->" : string.Empty)}")));

    private static string Ms(double? ms) => ms is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Fraction(double? f) => f is { } v ? v.ToString("P0", CultureInfo.InvariantCulture) : "-";
}
