namespace EdgeLam.Transport.Roles;

/// <summary>
/// Per conversation: the last step a stage ran and the messages it sent for it, so a step that arrives again (the
/// broker redelivered it, or the gateway resent it after a timeout) is answered with the same messages instead of
/// being run twice on a KV cache that already holds it. Bounded: the least recently used conversation goes first.
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

        entry = new Entry(conversation);
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

    internal sealed class Entry(Guid conversation)
    {
        public Guid Conversation { get; } = conversation;

        public long Step { get; set; } = -1;

        public List<Mqtt.MqttApplicationMessage> Sent { get; } = [];
    }
}
