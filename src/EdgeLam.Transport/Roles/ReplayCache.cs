using System.Diagnostics;

namespace EdgeLam.Transport.Roles;

/// <summary>
/// Per conversation: the last step a stage ran and the messages it sent for it, so a step that arrives again (the
/// broker redelivered it, or the gateway resent it after a timeout) is answered with the same messages instead of
/// being run twice on a KV cache that already holds it. Bounded: the least recently used conversation goes first, and
/// <see cref="DropIdle"/> drops conversations no step touched for as long as a gateway retries one step (nothing
/// resends them after that), so ended conversations do not sit in memory until the capacity pushes them out.
/// </summary>
internal sealed class ReplayCache(int capacity)
{
    private readonly Dictionary<Guid, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _order = new();

    public int Count => _entries.Count;

    public bool TryGet(Guid conversation, out Entry entry)
    {
        if (_entries.TryGetValue(conversation, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            entry = node.Value;
            entry.Touched = Stopwatch.GetTimestamp();
            return true;
        }

        entry = null!;
        return false;
    }

    public Entry GetOrAdd(Guid conversation)
    {
        if (TryGet(conversation, out var entry))
        {
            return entry;
        }

        entry = new Entry(conversation) { Touched = Stopwatch.GetTimestamp() };
        _entries[conversation] = _order.AddFirst(entry);
        while (_entries.Count > capacity && _order.Last is { } oldest)
        {
            _order.RemoveLast();
            _entries.Remove(oldest.Value.Conversation);
        }

        return entry;
    }

    public void Remove(Guid conversation)
    {
        if (_entries.Remove(conversation, out var node))
        {
            _order.Remove(node);
        }
    }

    /// <summary>Drops the conversations last touched longer than <paramref name="idle"/> before <paramref name="now"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public int DropIdle(TimeSpan idle, long now)
    {
        var dropped = 0;
        while (_order.Last is { } oldest && Stopwatch.GetElapsedTime(oldest.Value.Touched, now) > idle)
        {
            _order.RemoveLast();
            _entries.Remove(oldest.Value.Conversation);
            dropped++;
        }

        return dropped;
    }

    internal sealed class Entry(Guid conversation)
    {
        public Guid Conversation { get; } = conversation;

        public long Step { get; set; } = -1;

        /// <summary>When a step last used the entry (<see cref="Stopwatch.GetTimestamp"/>).</summary>
        public long Touched { get; set; }

        public List<Mqtt.MqttApplicationMessage> Sent { get; } = [];
    }
}
