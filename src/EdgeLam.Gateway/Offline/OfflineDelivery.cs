using System.Diagnostics;
using EdgeLam.Gateway.Sensing;
using EdgeLam.Transport.Roles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Gateway.Offline;

/// <summary>
/// The offline gateway between <see cref="SensorRequestPump"/> and the node (docs/offline.md): while
/// <c>online</c> says the broker is unreachable, the pump's requests go to the <see cref="OfflineQueue"/>
/// (<see cref="ISensorRequestDeferral"/>); <see cref="RunAsync"/> sends the queued ones, oldest first and one at a time,
/// whenever the broker is reachable. A window leaves the queue only once its request ran (its results went out with
/// its request id), so a daemon stopped or killed meanwhile sends it again after its restart. A send that fails while
/// the broker is up counts as an attempt (<see cref="OfflineOptions.MaxAttempts"/>); one that fails because the broker
/// went away again, or because the daemon is stopping, does not.
/// </summary>
public sealed class OfflineDelivery : ISensorRequestDeferral
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly OfflineQueue _queue;
    private readonly Func<bool> _online;
    private readonly int _maxAttempts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _queued;
    private long _delivered;

    /// <param name="queue">The opened queue (owned by the caller).</param>
    /// <param name="online">True while the broker is reachable and the node serves.</param>
    /// <param name="maxAttempts">As <see cref="OfflineOptions.MaxAttempts"/> (for the log).</param>
    /// <param name="time">The clock that stamps queued windows (for <see cref="OfflineOptions.Ttl"/>).</param>
    /// <param name="logger">Logs each queued and delivered request at Debug, each failed send at Warning.</param>
    public OfflineDelivery(OfflineQueue queue, Func<bool> online, int maxAttempts, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(online);
        _queue = queue;
        _online = online;
        _maxAttempts = maxAttempts;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The queue.</summary>
    public OfflineQueue Queue => _queue;

    /// <summary>Requests put in the queue.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Queued requests that ran.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <inheritdoc />
    public bool ShouldDefer => !_online();

    /// <inheritdoc />
    public bool Defer(GatewayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_queue.Enqueue(OfflineWindow.From(request, _time.GetUtcNow().ToUnixTimeMilliseconds())))
        {
            return false;
        }

        Interlocked.Increment(ref _queued);
        OfflineLog.Queued(_logger, request.Id!, _queue.Count);
        return true;
    }

    /// <summary>
    /// Sends the queued requests through <paramref name="send"/> whenever the broker is reachable, until
    /// <paramref name="cancellationToken"/> fires (a send in flight then finishes or fails under the node's drain; its
    /// window stays queued unless it ran).
    /// </summary>
    public async Task RunAsync(Func<GatewayRequest, Task> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        long? drainStart = null;
        long deliveredAtStart = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!_online() || _queue.Peek() is not { } head)
            {
                if (drainStart is { } started && _queue.Count == 0)
                {
                    OfflineLog.Drained(_logger, Delivered - deliveredAtStart, Stopwatch.GetElapsedTime(started).TotalSeconds);
                    drainStart = null;
                }

                try
                {
                    await Task.Delay(Poll, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (drainStart is null)
            {
                OfflineLog.Draining(_logger, _queue.Count);
                drainStart = Stopwatch.GetTimestamp();
                deliveredAtStart = Delivered;
            }

            await DeliverAsync(head, send, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(QueuedWindow head, Func<GatewayRequest, Task> send, CancellationToken cancellationToken)
    {
        GatewayRequest request;
        try
        {
            request = head.Window.ToRequest();
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            _queue.Discard(head.Sequence);
            return;
        }

        try
        {
            await send(request).ConfigureAwait(false);
            _queue.Complete(head.Sequence);
            Interlocked.Increment(ref _delivered);
            OfflineLog.Delivered(_logger, request.Id!, _queue.Count);
        }
#pragma warning disable CA1031 // a failed send never stops delivery: the window stays queued or counts an attempt
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (cancellationToken.IsCancellationRequested || !_online())
            {
                return; // stopping, or the broker went away again: it stays queued, no attempt counted
            }

            OfflineLog.AttemptFailed(_logger, request.Id!, head.Attempts + 1, _maxAttempts, e.GetType().Name + ": " + e.Message);
            _queue.Fail(head.Sequence);
        }
    }
}
