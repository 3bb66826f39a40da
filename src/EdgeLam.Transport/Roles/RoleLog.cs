using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Roles;

/// <summary>Log messages of the gateway and peer roles.</summary>
internal static partial class RoleLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "{Role} {Node} serving segments {First}-{Last} of model {Model} (epoch {Epoch}, wire {Codec})")]
    public static partial void Serving(ILogger logger, string role, string node, int first, int last, string model, uint epoch, string codec);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Rejected a message on {Topic}: {Reason} ({Rejected} rejected so far)")]
    public static partial void Rejected(ILogger logger, string topic, string reason, long rejected);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Step {Step} of conversation {Conversation} answered again from the replay cache")]
    public static partial void Replayed(ILogger logger, uint step, Guid conversation);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "No reply to step {Step} of request {Request} after {Timeout}; sending it again (attempt {Attempt})")]
    public static partial void Resending(ILogger logger, uint step, ulong request, TimeSpan timeout, int attempt);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Step {Step} of conversation {Conversation} failed on this stage: {Reason}")]
    public static partial void StepFailed(ILogger logger, uint step, Guid conversation, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "{Role} {Node} of model {Model} is orchestrated: it serves the layouts the agreement commits")]
    public static partial void Orchestrated(ILogger logger, string role, string node, string model);
}
