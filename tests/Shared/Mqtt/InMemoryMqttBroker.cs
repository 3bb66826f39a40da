using System.Collections.Concurrent;
using EdgeLam.Transport.Mqtt;

namespace EdgeLam.Testing;

/// <summary>
/// A small in-process MQTT broker for tests of code above <see cref="IMqttChannel"/>: topic filters with wildcards,
/// <c>$share/group/</c> round-robin, retained messages, last wills, QoS 1 acknowledgements that can be held back, and
/// going offline (every connection is lost and new ones are refused). No persistence.
/// </summary>
internal sealed class InMemoryMqttBroker
{
    private readonly Lock sync = new();
    private readonly List<InMemoryMqttChannel> connected = [];
    private readonly List<Subscription> subscriptions = [];
    private readonly Dictionary<string, PublishedMessage> retained = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> shareCursor = new(StringComparer.Ordinal);
    private readonly List<(InMemoryMqttChannel Channel, int MessageId)> heldAcks = [];
    private bool online = true;
    private bool autoAcknowledge = true;

    /// <summary>Every message that reached the broker, in order.</summary>
    public ConcurrentQueue<PublishedMessage> Published { get; } = new();

    /// <summary>Accepts connections (true) or refuses them and drops existing ones (false).</summary>
    public bool IsOnline
    {
        get
        {
            lock (sync)
            {
                return online;
            }
        }

        set
        {
            InMemoryMqttChannel[] dropped;
            lock (sync)
            {
                online = value;
                dropped = value ? [] : [.. connected];
                if (!value)
                {
                    // No sessions survive: CONNACK always says "session not present".
                    connected.Clear();
                    heldAcks.Clear();
                    subscriptions.Clear();
                }
            }

            foreach (var channel in dropped)
            {
                channel.Lose();
            }
        }
    }

    /// <summary>When false, QoS 1 PUBACKs are held until <see cref="ReleaseAcknowledgements"/>.</summary>
    public bool AutoAcknowledge
    {
        get
        {
            lock (sync)
            {
                return autoAcknowledge;
            }
        }

        set
        {
            lock (sync)
            {
                autoAcknowledge = value;
            }
        }
    }

    /// <summary>QoS 1 messages received and not yet acknowledged.</summary>
    public int HeldAcknowledgements
    {
        get
        {
            lock (sync)
            {
                return heldAcks.Count;
            }
        }
    }

    /// <summary>Sends up to <paramref name="count"/> held PUBACKs, oldest first.</summary>
    public void ReleaseAcknowledgements(int count = int.MaxValue)
    {
        List<(InMemoryMqttChannel Channel, int MessageId)> release;
        lock (sync)
        {
            var n = Math.Min(count, heldAcks.Count);
            release = heldAcks.GetRange(0, n);
            heldAcks.RemoveRange(0, n);
        }

        foreach (var (channel, mid) in release)
        {
            channel.Enqueue(h => h.OnPublished(mid, 0));
        }
    }

    internal bool Attach(InMemoryMqttChannel channel)
    {
        lock (sync)
        {
            if (!online)
            {
                return false;
            }

            connected.Add(channel);
            return true;
        }
    }

    internal void Detach(InMemoryMqttChannel channel, bool publishWill)
    {
        lock (sync)
        {
            connected.Remove(channel);
            subscriptions.RemoveAll(s => s.Channel == channel);
        }

        if (publishWill && channel.Will is { } will)
        {
            Route(null, new PublishedMessage(will.Topic, will.Payload.ToArray(), will.QualityOfService, will.Retain, new MqttMessageProperties { ContentType = will.ContentType }), 0);
        }
    }

    internal void Subscribe(InMemoryMqttChannel channel, string filter, MqttQualityOfService qos)
    {
        var plain = MqttTopicValidator.StripSharePrefix(filter, out var group);
        PublishedMessage[] retainedMatches;
        lock (sync)
        {
            subscriptions.Add(new Subscription(channel, plain, group, qos));
            retainedMatches = group is null ? [.. retained.Values.Where(m => MqttTopicValidator.Matches(plain, m.Topic))] : [];
        }

        foreach (var m in retainedMatches)
        {
            channel.Deliver(m, retain: true);
        }
    }

    internal void Unsubscribe(InMemoryMqttChannel channel, string filter)
    {
        var plain = MqttTopicValidator.StripSharePrefix(filter, out var group);
        lock (sync)
        {
            subscriptions.RemoveAll(s => s.Channel == channel && s.Filter == plain && s.Group == group);
        }
    }

    /// <summary>
    /// Sees every published message before it is routed: returns it (possibly rewritten, e.g. damaged) or null to lose
    /// it (the publisher is still acknowledged). Null: every message is routed as published.
    /// </summary>
    public Func<PublishedMessage, PublishedMessage?>? Intercept { get; set; }

    internal void Route(InMemoryMqttChannel? from, PublishedMessage message, int messageId)
    {
        Published.Enqueue(message);
        if (Intercept is { } intercept)
        {
            if (intercept(message) is not { } routed)
            {
                from?.Enqueue(h => h.OnPublished(messageId, 0));
                return;
            }

            message = routed;
        }

        var targets = new List<InMemoryMqttChannel>();
        var ackNow = false;
        lock (sync)
        {
            if (message.Retain)
            {
                if (message.Payload.Length == 0)
                {
                    retained.Remove(message.Topic);
                }
                else
                {
                    retained[message.Topic] = message;
                }
            }

            foreach (var s in subscriptions.Where(s => s.Group is null && MqttTopicValidator.Matches(s.Filter, message.Topic)))
            {
                targets.Add(s.Channel);
            }

            foreach (var group in subscriptions.Where(s => s.Group is not null && MqttTopicValidator.Matches(s.Filter, message.Topic)).GroupBy(s => s.Group + "/" + s.Filter))
            {
                var members = group.ToList();
                shareCursor.TryGetValue(group.Key, out var cursor);
                targets.Add(members[cursor % members.Count].Channel);
                shareCursor[group.Key] = cursor + 1;
            }

            if (from is not null && message.QualityOfService == MqttQualityOfService.AtLeastOnce)
            {
                if (autoAcknowledge)
                {
                    ackNow = true;
                }
                else
                {
                    heldAcks.Add((from, messageId));
                }
            }
            else if (from is not null)
            {
                ackNow = true;
            }
        }

        foreach (var target in targets)
        {
            target.Deliver(message, retain: false);
        }

        if (ackNow)
        {
            from!.Enqueue(h => h.OnPublished(messageId, 0));
        }
    }

    /// <summary>A message as the broker saw it.</summary>
    public sealed record PublishedMessage(string Topic, byte[] Payload, MqttQualityOfService QualityOfService, bool Retain, MqttMessageProperties Properties);

    private sealed record Subscription(InMemoryMqttChannel Channel, string Filter, string? Group, MqttQualityOfService Qos);
}
