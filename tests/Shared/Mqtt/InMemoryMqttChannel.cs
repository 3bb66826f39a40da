using System.Collections.Concurrent;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Testing;

/// <summary>
/// <see cref="IMqttChannel"/> connected to an <see cref="InMemoryMqttBroker"/>. Events are queued and handed to the
/// handler inside <see cref="Pump"/>, on the caller's network thread, as libmosquitto does.
/// </summary>
internal sealed class InMemoryMqttChannel : IMqttChannel
{
    private readonly InMemoryMqttBroker broker;
    private readonly BlockingCollection<Action<IMqttChannelHandler>> events = new();
    private IMqttChannelHandler? handler;
    private volatile bool connected;
    private int nextMessageId;

    public InMemoryMqttChannel(InMemoryMqttBroker broker, MqttLastWill? will = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        this.broker = broker;
        Will = will;
    }

    internal MqttLastWill? Will { get; }

    public void Attach(IMqttChannelHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        this.handler = handler;
    }

    public void Connect()
    {
        if (!broker.Attach(this))
        {
            throw new MqttChannelException("connection refused: in-memory broker offline");
        }

        connected = true;
        Enqueue(h => h.OnConnected(0, false));
    }

    public bool Pump(TimeSpan timeout)
    {
        if (events.TryTake(out var first, timeout))
        {
            Run(first);
            while (events.TryTake(out var next))
            {
                Run(next);
            }
        }

        return connected;
    }

    public bool Publish(in MqttApplicationMessage message, out int messageId)
    {
        messageId = 0;
        if (!connected)
        {
            return false;
        }

        messageId = Interlocked.Increment(ref nextMessageId);
        broker.Route(this, new InMemoryMqttBroker.PublishedMessage(message.Topic, message.Payload.ToArray(), message.QualityOfService, message.Retain, message.Properties), messageId);
        return true;
    }

    public int Subscribe(string filter, MqttQualityOfService qualityOfService)
    {
        var mid = Interlocked.Increment(ref nextMessageId);
        broker.Subscribe(this, filter, qualityOfService);
        Enqueue(h => h.OnSubscribed(mid, [(int)qualityOfService]));
        return mid;
    }

    public void Unsubscribe(string filter) => broker.Unsubscribe(this, filter);

    public void Disconnect()
    {
        if (connected)
        {
            connected = false;
            broker.Detach(this, publishWill: false);
            Enqueue(h => h.OnDisconnected(0));
        }
    }

    public void Abort()
    {
        if (connected)
        {
            broker.Detach(this, publishWill: true);
            Lose();
        }
    }

    public void Dispose() => events.CompleteAdding();

    internal void Lose()
    {
        connected = false;
        Enqueue(h => h.OnDisconnected(7 /* MOSQ_ERR_CONN_LOST */));
    }

    internal void Deliver(InMemoryMqttBroker.PublishedMessage message, bool retain) =>
        Enqueue(h => h.OnMessage(MqttReceivedMessage.Create(message.Topic, message.Payload, message.QualityOfService, retain, message.Properties)));

    internal void Enqueue(Action<IMqttChannelHandler> action)
    {
        try
        {
            events.Add(action);
        }
        catch (InvalidOperationException)
        {
            // Disposed: the connection is gone, so is the event.
        }
    }

    private void Run(Action<IMqttChannelHandler> action)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            action(handler);
        }
#pragma warning disable CA1031 // Mirrors the native callback guard: a failing handler is reported, never thrown into the loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            handler.OnFault(ex);
        }
    }
}
