using EdgeLam.Orchestration.Agreement;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Orchestration;

/// <summary>The agreement's log lines: every decision with its reason and predicted gain, later the realized gain.</summary>
internal static partial class AgreementLog
{
    [LoggerMessage(4000, LogLevel.Information, "Orchestration: {Node} is the elected orchestrator; plans number above epoch {Observed}")]
    public static partial void TookOver(ILogger logger, string node, long observed);

    [LoggerMessage(4001, LogLevel.Information, "Orchestration: {Node} is no longer the orchestrator ({Elected} is)")]
    public static partial void SteppedDown(ILogger logger, string node, string? elected);

    [LoggerMessage(4002, LogLevel.Information, "Re-split proposed: epoch {Epoch}, reason {Reason}, predicted decode step {OldMs} ms -> {NewMs} ms (gain {Gain}); plan {Plan}")]
    public static partial void Proposed(ILogger logger, long epoch, ResplitReason reason, string oldMs, string newMs, string gain, string plan);

    [LoggerMessage(4003, LogLevel.Information, "Re-split committed: epoch {Epoch} ({Reason}): every node of the plan prepared it")]
    public static partial void Committed(ILogger logger, long epoch, ResplitReason reason);

    [LoggerMessage(4004, LogLevel.Warning, "Re-split abandoned: epoch {Epoch}: {Why} (nodes {Nodes}); re-planning without them")]
    public static partial void Abandoned(ILogger logger, long epoch, string why, string nodes);

    [LoggerMessage(4005, LogLevel.Warning, "No plan: {Infeasibility} (left out: {LeftOut})")]
    public static partial void NoPlan(ILogger logger, string infeasibility, string leftOut);

    [LoggerMessage(4006, LogLevel.Information, "Realized gain of epoch {Epoch} ({Reason}): measured decode step {BeforeMs} ms -> {AfterMs} ms (gain {Gain}, predicted {Predicted})")]
    public static partial void Realized(ILogger logger, long epoch, ResplitReason reason, string beforeMs, string afterMs, string gain, string predicted);

    [LoggerMessage(4007, LogLevel.Information, "Plan epoch {Epoch}: prepared blocks [{First},{End}) beside the running layout")]
    public static partial void Prepared(ILogger logger, long epoch, int first, int end);

    [LoggerMessage(4008, LogLevel.Warning, "Plan epoch {Epoch} refused: {Reason} ({Detail})")]
    public static partial void Refused(ILogger logger, long epoch, PlanRefusalReason? reason, string? detail);

    [LoggerMessage(4009, LogLevel.Information, "Plan epoch {Epoch} committed on this node (lost nodes: {Lost})")]
    public static partial void Switched(ILogger logger, long epoch, string lost);

    [LoggerMessage(4010, LogLevel.Warning, "Plan epoch {Epoch}: the layout host failed to {Action}")]
    public static partial void LayoutFailed(ILogger logger, long epoch, string action, Exception exception);

    [LoggerMessage(4011, LogLevel.Warning, "Orchestration: ignored a message on {Topic}: {Problem}")]
    public static partial void BadMessage(ILogger logger, string topic, string problem);

    [LoggerMessage(4012, LogLevel.Error, "Orchestration stopped: {Problem}; the node keeps serving its current layout")]
    public static partial void Failed(ILogger logger, string problem, Exception? exception);

    [LoggerMessage(4013, LogLevel.Warning, "Orchestration: publishing on {Topic} failed; the broker will get the next one")]
    public static partial void PublishFailed(ILogger logger, string topic, Exception exception);
}
