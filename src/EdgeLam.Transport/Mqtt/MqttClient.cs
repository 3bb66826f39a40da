using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLam.Transport.Mqtt;

/// <summary>
/// EdgeLam's MQTT 5 client: a persistent session with reconnect (exponential backoff with jitter), a bounded
/// outgoing queue with back-pressure, a bound on unacknowledged QoS 1 publishes, and a bounded incoming queue.
/// <para>
/// Threads. One dedicated network thread owns the connection: it connects, runs the channel's network loop
/// (<c>mosquitto_loop</c>, our own loop rather than <c>mosquitto_loop_start</c> so that reconnect timing, jitter and
/// shutdown are ours) and receives every callback. Callbacks never block: received messages are copied into pooled
/// buffers and offered to a bounded <see cref="Channel{T}"/> with <c>TryWrite</c>; when it is full the message is
/// dropped and counted. A sender task moves messages from the outgoing queue to the connection while connected and
/// while fewer than <see cref="MqttClientOptions.MaxInflightMessages"/> QoS 1 messages await their PUBACK.
/// </para>
/// </summary>
public sealed class MqttClient : IMqttChannelHandler, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan PumpInterval = TimeSpan.FromMilliseconds(100);

    private readonly MqttClientOptions options;
    private readonly IMqttChannel channel;
    private readonly ILogger logger;
    private readonly ReconnectBackoff backoff;
    private readonly Channel<OutgoingMessage> outgoing;
    private readonly Channel<MqttReceivedMessage> incoming;
    private readonly SemaphoreSlim inflightSlots;
    private readonly Lock publishSync = new();
    /// <summary>QoS 1 messages handed to the library and not yet answered by the broker: message id → topic.</summary>
    private readonly Dictionary<int, string> pendingAcks = [];
    private readonly ConcurrentDictionary<int, (string Filter, TaskCompletionSource Done)> pendingSubscribes = new();
    private readonly List<(string Filter, MqttQualityOfService Qos)> subscriptions = [];
    private readonly AsyncGate connectedGate = new();
    private readonly ManualResetEventSlim stopRequested = new();
    private readonly CancellationTokenSource senderStop = new();
    private Thread? networkThread;
    private Task? senderTask;
    private int started;
    private int disposed;
    private long sent;
    private long acknowledged;
    private long droppedOutgoing;
    private long rejectedOutgoing;
    private long received;
    private long droppedIncoming;
    private long consumerFaults;
    private long callbackFaults;
    private long connections;

    public MqttClient(MqttClientOptions options, IMqttChannel channel, ILogger<MqttClient>? logger = null, Random? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(channel);
        options.ThrowIfInvalid();
        this.options = options;
        this.channel = channel;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        backoff = new ReconnectBackoff(options.ReconnectDelayMin, options.ReconnectDelayMax, jitter);
        outgoing = System.Threading.Channels.Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(options.OutgoingQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        incoming = System.Threading.Channels.Channel.CreateBounded<MqttReceivedMessage>(new BoundedChannelOptions(options.IncomingQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
        inflightSlots = new SemaphoreSlim(options.MaxInflightMessages, options.MaxInflightMessages);
        channel.Attach(this);
    }

    /// <summary>A client over libmosquitto.</summary>
    public static MqttClient Create(MqttClientOptions options, ILogger<MqttClient>? logger = null) =>
        new(options, new MosquittoMqttChannel(options), logger);

    /// <summary>Received messages, in arrival order. The reader owns each message and disposes it.</summary>
    public ChannelReader<MqttReceivedMessage> Messages => incoming.Reader;

    public bool IsConnected => connectedGate.IsOpen;

    public MqttClientOptions Options => options;

    internal IMqttChannel Channel => channel;

    /// <summary>Starts the network thread and waits for the first accepted connection (retrying with backoff).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Start();
        await connectedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the network thread and the sender without waiting for a connection (idempotent).</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            networkThread = new Thread(NetworkLoop) { IsBackground = true, Name = $"mqtt-{options.ClientId}" };
            networkThread.Start();
            senderTask = Task.Run(() => SendLoopAsync(senderStop.Token), CancellationToken.None);
        }
    }

    /// <summary>Queues a message, waiting while the outgoing queue is full. The payload is copied.</summary>
    public ValueTask PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        var item = OutgoingMessage.Copy(message);
        if (outgoing.Writer.TryWrite(item))
        {
            return ValueTask.CompletedTask;
        }

        return WriteSlowAsync(item, cancellationToken);
    }

    /// <summary>Queues a message if there is room; otherwise drops it (counted and logged) and returns false.</summary>
    public bool TryPublish(in MqttApplicationMessage message)
    {
        var item = OutgoingMessage.Copy(message);
        if (outgoing.Writer.TryWrite(item))
        {
            return true;
        }

        item.Release();
        var dropped = Interlocked.Increment(ref droppedOutgoing);
        MqttClientLog.OutgoingDropped(logger, options.OutgoingQueueCapacity, message.Topic, dropped);
        return false;
    }

    /// <summary>
    /// Subscribes now if connected (awaiting the SUBACK) and again after every connection that did not resume the
    /// session. <paramref name="filter"/> may be a shared subscription <c>$share/{group}/{filter}</c>.
    /// </summary>
    public async Task SubscribeAsync(string filter, MqttQualityOfService qualityOfService = MqttQualityOfService.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        if (!MqttTopicValidator.IsValidTopicFilter(filter))
        {
            throw new ArgumentException($"'{filter}' is not a valid MQTT topic filter.", nameof(filter));
        }

        bool connected;
        lock (subscriptions)
        {
            // Under the lock OnConnected takes its snapshot and opens the gate in: either the snapshot has this
            // filter or the gate is open here (a check outside lost a filter added between the two).
            subscriptions.Add((filter, qualityOfService));
            connected = IsConnected;
        }

        if (!connected)
        {
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (publishSync)
        {
            var mid = channel.Subscribe(filter, qualityOfService);
            pendingSubscribes[mid] = (filter, done);
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking messages on <paramref name="filter"/> (a filter given to <see cref="SubscribeAsync"/>): it is not
    /// made again after a reconnect, and UNSUBSCRIBE is sent now if connected (not awaited; messages already on the
    /// way may still arrive).
    /// </summary>
    public void Unsubscribe(string filter)
    {
        lock (subscriptions)
        {
            subscriptions.RemoveAll(s => string.Equals(s.Filter, filter, StringComparison.Ordinal));
        }

        if (!IsConnected)
        {
            return;
        }

        lock (publishSync)
        {
            channel.Unsubscribe(filter);
        }
    }

    /// <summary>
    /// Reads <see cref="Messages"/> and calls <paramref name="handler"/> for each until cancelled; a handler that
    /// throws is counted and logged and the next message is delivered. Each message is disposed after its handler.
    /// </summary>
    public async Task RunMessageHandlerAsync(Func<MqttReceivedMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            await foreach (var message in incoming.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await handler(message, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // A consumer's failure must not end consumption; it is counted and logged.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    var faults = Interlocked.Increment(ref consumerFaults);
                    MqttClientLog.ConsumerFault(logger, ex, message.Topic, faults);
                }
                finally
                {
                    message.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits until the outgoing queue is empty and every QoS 1 message is acknowledged.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (outgoing.Reader.Count > 0 || InFlight > 0)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    public MqttClientStatistics GetStatistics() => new()
    {
        Sent = Interlocked.Read(ref sent),
        Acknowledged = Interlocked.Read(ref acknowledged),
        InFlight = InFlight,
        Queued = outgoing.Reader.Count,
        DroppedOutgoing = Interlocked.Read(ref droppedOutgoing),
        RejectedOutgoing = Interlocked.Read(ref rejectedOutgoing),
        Received = Interlocked.Read(ref received),
        DroppedIncoming = Interlocked.Read(ref droppedIncoming),
        ConsumerFaults = Interlocked.Read(ref consumerFaults),
        CallbackFaults = Interlocked.Read(ref callbackFaults),
        Connections = Interlocked.Read(ref connections),
        IsConnected = IsConnected,
    };

    private int InFlight => options.MaxInflightMessages - inflightSlots.CurrentCount;

    /// <summary>Stops: sends DISCONNECT (the will is not published), ends the threads, releases queued buffers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        outgoing.Writer.TryComplete();
        await senderStop.CancelAsync().ConfigureAwait(false);
        if (senderTask is not null)
        {
            try
            {
                await senderTask.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        stopRequested.Set();
        networkThread?.Join();
        channel.Dispose();
        while (outgoing.Reader.TryRead(out var item))
        {
            item.Release();
        }

        incoming.Writer.TryComplete();
        foreach (var pending in pendingSubscribes.Values)
        {
            pending.Done.TrySetCanceled();
        }

        senderStop.Dispose();
        stopRequested.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // ---- network thread --------------------------------------------------------------------------

    private void NetworkLoop()
    {
        var alive = false;
        while (!stopRequested.IsSet)
        {
            try
            {
                channel.Connect();
            }
            catch (MqttChannelException ex)
            {
                WaitBeforeReconnect(ex.Message);
                continue;
            }

            while ((alive = channel.Pump(PumpInterval)) && !stopRequested.IsSet)
            {
            }

            if (!alive)
            {
                connectedGate.Close();
                if (!stopRequested.IsSet)
                {
                    WaitBeforeReconnect("connection lost");
                }
            }
        }

        if (alive)
        {
            // Graceful: DISCONNECT tells the broker to discard the will; pump until it is written.
            channel.Disconnect();
            for (var i = 0; i < 50 && channel.Pump(TimeSpan.FromMilliseconds(10)); i++)
            {
            }
        }

        connectedGate.Close();
    }

    private void WaitBeforeReconnect(string reason)
    {
        var delay = backoff.Next();
        MqttClientLog.ConnectFailed(logger, options.Host, options.Port, backoff.Attempt, (long)delay.TotalMilliseconds, reason);
        stopRequested.Wait(delay);
    }

    void IMqttChannelHandler.OnConnected(int reasonCode, bool sessionPresent)
    {
        if (reasonCode != 0)
        {
            MqttClientLog.ConnectRefused(logger, reasonCode);
            return;
        }

        backoff.Reset();
        Interlocked.Increment(ref connections);
        MqttClientLog.Connected(logger, options.Host, options.Port, options.ClientId, sessionPresent);

        // A resumed session keeps its subscriptions, except shared ones: mosquitto 2.0 does not restore $share
        // subscriptions from its persistence file after a restart, so those are always made again (idempotent).
        lock (subscriptions)
        {
            foreach (var (filter, qos) in subscriptions.Where(s => !sessionPresent || s.Filter.StartsWith("$share/", StringComparison.Ordinal)))
            {
                lock (publishSync)
                {
                    var mid = channel.Subscribe(filter, qos);
                    pendingSubscribes[mid] = (filter, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }
            }

            connectedGate.Open(); // inside the lock: a SubscribeAsync after the snapshot sees the gate open (it subscribes itself)
        }
    }

    void IMqttChannelHandler.OnDisconnected(int reasonCode)
    {
        connectedGate.Close();
        if (!stopRequested.IsSet)
        {
            MqttClientLog.Disconnected(logger, reasonCode);
        }
    }

    void IMqttChannelHandler.OnPublished(int messageId, int reasonCode)
    {
        bool tracked;
        string? topic;
        lock (publishSync)
        {
            tracked = pendingAcks.Remove(messageId, out topic);
        }

        if (!tracked)
        {
            return;
        }

        // MQTT 5 PUBACK reason codes from 0x80 are refusals (0x87: not authorized by the broker's ACL); the message is gone.
        if (reasonCode >= 0x80)
        {
            var rejected = Interlocked.Increment(ref rejectedOutgoing);
            MqttClientLog.OutgoingRefused(logger, topic!, reasonCode, rejected);
        }
        else
        {
            Interlocked.Increment(ref acknowledged);
        }

        inflightSlots.Release();
    }

    void IMqttChannelHandler.OnMessage(MqttReceivedMessage message)
    {
        Interlocked.Increment(ref received);
        if (!incoming.Writer.TryWrite(message))
        {
            var dropped = Interlocked.Increment(ref droppedIncoming);
            MqttClientLog.IncomingDropped(logger, options.IncomingQueueCapacity, message.Topic, dropped);
            message.Dispose();
        }
    }

    void IMqttChannelHandler.OnSubscribed(int messageId, ReadOnlySpan<int> grantedQos)
    {
        (string Filter, TaskCompletionSource Done) pending;
        lock (publishSync)
        {
            // The SUBACK can beat the caller storing the packet id; the lock orders them.
            if (!pendingSubscribes.TryRemove(messageId, out pending))
            {
                return;
            }
        }

        foreach (var code in grantedQos)
        {
            if (code >= 0x80)
            {
                MqttClientLog.SubscribeRefused(logger, pending.Filter, code);
                pending.Done.TrySetException(new MqttChannelException($"subscription '{pending.Filter}' refused by the broker (reason {code})"));
                return;
            }
        }

        pending.Done.TrySetResult();
    }

    void IMqttChannelHandler.OnLog(int level, string message) => MqttClientLog.Library(logger, message);

    void IMqttChannelHandler.OnFault(Exception exception)
    {
        var faults = Interlocked.Increment(ref callbackFaults);
        MqttClientLog.CallbackFault(logger, exception, faults);
    }

    // ---- sender ----------------------------------------------------------------------------------

    private async ValueTask WriteSlowAsync(OutgoingMessage item, CancellationToken cancellationToken)
    {
        try
        {
            await outgoing.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            item.Release();
            throw;
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var reader = outgoing.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!connectedGate.IsOpen)
            {
                await connectedGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!reader.TryPeek(out var item))
            {
                continue;
            }

            var qos1 = item.QualityOfService == MqttQualityOfService.AtLeastOnce;
            if (qos1 && !inflightSlots.Wait(0, CancellationToken.None))
            {
                await inflightSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            bool handedOver;
            try
            {
                var message = item.ToMessage();
                lock (publishSync)
                {
                    handedOver = channel.Publish(message, out var mid);
                    if (handedOver && qos1)
                    {
                        pendingAcks.Add(mid, item.Topic);
                    }
                }
            }
            catch (MqttChannelException ex)
            {
                if (qos1)
                {
                    inflightSlots.Release();
                }

                reader.TryRead(out _);
                item.Release();
                var rejected = Interlocked.Increment(ref rejectedOutgoing);
                MqttClientLog.OutgoingRejected(logger, ex, item.Topic, rejected);
                continue;
            }

            if (!handedOver)
            {
                // The connection dropped under us: keep the message at the head and wait for the next connection.
                if (qos1)
                {
                    inflightSlots.Release();
                }

                connectedGate.Close();
                continue;
            }

            reader.TryRead(out _);
            item.Release();
            Interlocked.Increment(ref sent);
        }
    }

    /// <summary>A queued message with its payload in a pooled buffer.</summary>
    private readonly record struct OutgoingMessage(string Topic, byte[]? Buffer, int Length, MqttQualityOfService QualityOfService, bool Retain, MqttMessageProperties Properties)
    {
        public static OutgoingMessage Copy(in MqttApplicationMessage message)
        {
            if (!MqttTopicValidator.IsValidTopicName(message.Topic))
            {
                throw new ArgumentException($"'{message.Topic}' is not a valid MQTT topic name.", nameof(message));
            }

            if (message.QualityOfService is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
            {
                throw new ArgumentOutOfRangeException(nameof(message), message.QualityOfService, "QoS 0 or 1.");
            }

            byte[]? buffer = null;
            if (!message.Payload.IsEmpty)
            {
                buffer = ArrayPool<byte>.Shared.Rent(message.Payload.Length);
                message.Payload.Span.CopyTo(buffer);
            }

            return new OutgoingMessage(message.Topic, buffer, message.Payload.Length, message.QualityOfService, message.Retain, message.Properties);
        }

        public MqttApplicationMessage ToMessage() =>
            new(Topic, Buffer is null ? ReadOnlyMemory<byte>.Empty : Buffer.AsMemory(0, Length), QualityOfService, Retain) { Properties = Properties };

        public void Release()
        {
            if (Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
