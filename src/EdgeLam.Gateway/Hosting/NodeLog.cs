using Microsoft.Extensions.Logging;

namespace EdgeLam.Gateway.Hosting;

/// <summary>The node's log events (2100-2108): starting, serving, draining, reloading.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(2100, LogLevel.Information, "No model configured: {Role} node {Node} waits (set Model:Path to a split model directory)")]
    public static partial void WaitingForModel(ILogger logger, string role, string node);

    [LoggerMessage(2101, LogLevel.Information, "Starting {Role} node {Node} (segments {Segments}); connecting to {Host}:{Port}")]
    public static partial void Connecting(ILogger logger, string role, string node, string segments, string host, int port);

    [LoggerMessage(2102, LogLevel.Information, "{Role} node {Node} serving segments {Segments} of model {Model}, plan epoch {Epoch}")]
    public static partial void Serving(ILogger logger, string role, string node, string segments, string model, uint epoch);

    [LoggerMessage(2103, LogLevel.Critical, "The node cannot start with the model at {Model}; stopping (exit 78)")]
    public static partial void StartFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(2108, LogLevel.Critical, "The node failed to start; stopping (exit 70)")]
    public static partial void StartCrashed(ILogger logger, Exception exception);

    [LoggerMessage(2104, LogLevel.Information, "Node drained: {Requests} requests and {Steps} steps served")]
    public static partial void Drained(ILogger logger, long requests, long steps);

    [LoggerMessage(2105, LogLevel.Information, "Reloaded: Node:StepTimeout {StepTimeout}, Node:MaxAttempts {MaxAttempts}, Node:ResultTopK {TopK}, Node:Throttle {Throttle} apply now")]
    public static partial void Reloaded(ILogger logger, TimeSpan stepTimeout, int maxAttempts, int topK, double throttle);

    [LoggerMessage(2107, LogLevel.Warning, "ONNX Runtime: {Warning}")]
    public static partial void OnnxWarning(ILogger logger, string warning);
}
