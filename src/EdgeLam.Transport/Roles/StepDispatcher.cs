using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using EdgeLam.Inference;
using EdgeLam.Transport.Envelope;
using EdgeLam.Transport.Mqtt;
using EdgeLam.Transport.Topics;
using Microsoft.Extensions.Logging;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// The gateway's side of the wire for one step: publishes the frame with the request's envelope on the topic its
/// route chooses, waits for the last stage's <see cref="StepReply"/>, and sends the step again when none comes (peers
/// answer repeats from their replay cache). When the peer holding the conversation stays silent (every third
/// attempt), it re-homes: forgets the route and has the gateway run the conversation so far as a prefill under a new
/// id, which the stage's shared topic hands to whichever peer takes it (an orchestrated gateway routes it down the
/// active layout's chain). When a node of the step's layout is planned out, it re-homes at once.
/// </summary>
internal sealed class StepDispatcher(MqttClient client, TopicScheme topics, string model, ILogger logger)
{
    private readonly ConcurrentDictionary<(Guid Conversation, uint Step), TaskCompletionSource<StepReply>> _pending = new();
    private long _resent;
    private long _rehomed;
    private long _rejected;

    /// <summary>Raised for every frame published and every reply rejected, with its size in bytes.</summary>
    public event Action<RoleTrafficKind, int>? Traffic;

    public long Resent => Interlocked.Read(ref _resent);

    public long Rehomed => Interlocked.Read(ref _rehomed);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Sends <paramref name="local"/> until its reply comes. <paramref name="rehome"/> runs the conversation so far as
    /// step <paramref name="step"/>'s prefill under a new conversation id (the caller keeps that id).
    /// </summary>
    /// <exception cref="InferenceException">No reply after <see cref="StageTuning.MaxAttempts"/> attempts.</exception>
    public async Task<StepReply> SendAsync(ulong request, uint step, LocalStep local, ActivationEnvelope envelope, StageTuning tuning, Func<uint, CancellationToken, Task<LocalStep>> rehome, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= tuning.MaxAttempts; attempt++)
        {
            var boundary = local.Boundary;
            var holder = envelope.Route.Holder(boundary);
            var waiter = new TaskCompletionSource<StepReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[(local.Conversation, step)] = waiter;
            envelope.Positions = local.Positions;
            envelope.Timings.Clear();
            envelope.Timings.Add(local.Timing);
            var message = new MqttApplicationMessage(envelope.Route.Topic(topics, model, boundary), local.Frame) { Properties = envelope.ToProperties(RoleClock.NowUs()) };
            try
            {
                await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                Traffic?.Invoke(RoleTrafficKind.FrameSent, local.Frame.Length);
                return await WaitAsync(waiter.Task, tuning.StepTimeout, local.Lost, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (local.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // A node of the step's layout was planned out: move now rather than after three silent attempts.
                Interlocked.Increment(ref _rehomed);
                envelope.Route.Clear();
                _pending.TryRemove((local.Conversation, step), out _);
                local = await rehome(step, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Interlocked.Increment(ref _resent);
                RoleLog.Resending(logger, step, request, tuning.StepTimeout, attempt + 1);
                if (holder is not null && attempt % 3 == 0)
                {
                    Interlocked.Increment(ref _rehomed);
                    envelope.Route.Clear();
                    _pending.TryRemove((local.Conversation, step), out _);
                    local = await rehome(step, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _pending.TryRemove((local.Conversation, step), out _);
            }
        }

        throw new InferenceException("Request " + request + ": no stage answered step " + step + " after " + tuning.MaxAttempts + " attempts of " + tuning.StepTimeout + ".");
    }

    private static async Task<StepReply> WaitAsync(Task<StepReply> reply, TimeSpan timeout, CancellationToken lost, CancellationToken cancellationToken)
    {
        if (!lost.CanBeCanceled)
        {
            return await reply.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(lost, cancellationToken);
        return await reply.WaitAsync(timeout, either.Token).ConfigureAwait(false);
    }

    /// <summary>Matches a reply to its pending step; anything unreadable or unexpected (late, duplicate) is counted.</summary>
    public void OnReply(in MqttReceivedMessage message)
    {
        StepReply? reply;
        try
        {
            reply = JsonSerializer.Deserialize(message.Payload.Span, RoleJsonContext.Default.StepReply);
        }
        catch (JsonException ex)
        {
            var n = Interlocked.Increment(ref _rejected);
            RoleLog.Rejected(logger, message.Topic, "unreadable reply: " + ex.Message, n);
            Traffic?.Invoke(RoleTrafficKind.Rejected, message.Payload.Length);
            return;
        }

        if (reply is { SentUs: > 0 })
        {
            var arrivedUs = RoleClock.NowUs() - RoleClock.Micros(Stopwatch.GetTimestamp() - message.ReceivedAt);
            reply = reply with { ReturnUs = Math.Max(0, arrivedUs - reply.SentUs) };
        }

        if (reply is null || !_pending.TryGetValue((reply.Conversation, reply.Step), out var waiter) || !waiter.TrySetResult(reply))
        {
            Interlocked.Increment(ref _rejected);
            Traffic?.Invoke(RoleTrafficKind.Rejected, message.Payload.Length);
        }
    }
}
