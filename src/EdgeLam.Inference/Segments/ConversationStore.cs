namespace EdgeLam.Inference.Segments;

/// <summary>
/// The KV caches of one segment, keyed by conversation id, least-recently-used first out when the native bytes
/// would exceed the budget. Lookups and touches allocate nothing. Not thread-safe (one runner, one thread).
/// </summary>
public sealed class ConversationStore : IDisposable
{
    private readonly Dictionary<Guid, KvCache> _caches = [];
    private readonly LinkedList<KvCache> _lru = new();
    private readonly IReadOnlyList<KvTensorLayout> _layouts;

    /// <summary>Creates a store.</summary>
    /// <param name="layouts">The cached tensors of the segment.</param>
    /// <param name="memoryBudgetBytes">Native KV bytes above which least-recently-used conversations are evicted.</param>
    public ConversationStore(IReadOnlyList<KvTensorLayout> layouts, long memoryBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(layouts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryBudgetBytes);
        _layouts = layouts;
        MemoryBudgetBytes = memoryBudgetBytes;
    }

    /// <summary>The budget.</summary>
    public long MemoryBudgetBytes { get; }

    /// <summary>Native KV bytes one position of one conversation takes in this segment.</summary>
    public long BytesPerPosition => KvCache.BytesPerPosition(_layouts);

    /// <summary>Native KV bytes held by all conversations.</summary>
    public long Bytes { get; private set; }

    /// <summary>Conversations held.</summary>
    public int Count => _caches.Count;

    /// <summary>Conversations evicted so far.</summary>
    public long Evictions { get; private set; }

    /// <summary>Conversation ids, most recently used first.</summary>
    public IReadOnlyList<Guid> Conversations => [.. _lru.Select(c => c.Conversation)];

    /// <summary>True when the conversation is held.</summary>
    public bool Contains(Guid conversation) => _caches.ContainsKey(conversation);

    /// <summary>The cache of a held conversation, marked most recently used.</summary>
    /// <exception cref="ConversationNotFoundException">Not held.</exception>
    public KvCache Get(Guid conversation)
    {
        if (!_caches.TryGetValue(conversation, out var cache))
        {
            throw new ConversationNotFoundException(conversation);
        }

        Touch(cache);
        return cache;
    }

    /// <summary>An empty cache for the conversation (an existing one is reset to length 0, keeping its buffers).</summary>
    public KvCache Start(Guid conversation)
    {
        if (_caches.TryGetValue(conversation, out var cache))
        {
            cache.Length = 0;
            Touch(cache);
            return cache;
        }

        cache = new KvCache(conversation, _layouts);
        cache.LruNode = _lru.AddFirst(cache);
        _caches.Add(conversation, cache);
        return cache;
    }

    /// <summary>Grows a cache to <paramref name="capacity"/>, evicting other conversations (least recently used first) to stay under the budget.</summary>
    /// <exception cref="InferenceException">The conversation alone needs more than the budget.</exception>
    public void Grow(KvCache cache, int capacity)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (capacity <= cache.Capacity)
        {
            return;
        }

        var extra = (capacity - cache.Capacity) * KvCache.BytesPerPosition(_layouts);
        if (cache.Bytes + extra > MemoryBudgetBytes)
        {
            throw new InferenceException(
                "Conversation " + cache.Conversation + " needs " + (cache.Bytes + extra) + " bytes of KV cache at " + capacity + " positions; the budget is " + MemoryBudgetBytes + " bytes.");
        }

        while (Bytes + extra > MemoryBudgetBytes && _lru.Last is { } oldest && oldest.Value != cache)
        {
            Remove(oldest.Value);
            Evictions++;
        }

        if (Bytes + extra > MemoryBudgetBytes)
        {
            // Only the growing conversation is left, or it is the least recently used; evict the others before it.
            for (var node = _lru.Last; node is not null && Bytes + extra > MemoryBudgetBytes;)
            {
                var previous = node.Previous;
                if (node.Value != cache)
                {
                    Remove(node.Value);
                    Evictions++;
                }

                node = previous;
            }
        }

        cache.Grow(capacity);
        Bytes += extra;
    }

    /// <summary>Drops a conversation and frees its cache; false when it was not held.</summary>
    public bool Drop(Guid conversation)
    {
        if (!_caches.TryGetValue(conversation, out var cache))
        {
            return false;
        }

        Remove(cache);
        return true;
    }

    /// <summary>Frees every cache.</summary>
    public void Dispose()
    {
        foreach (var cache in _caches.Values)
        {
            cache.Dispose();
        }

        _caches.Clear();
        _lru.Clear();
        Bytes = 0;
    }

    private void Touch(KvCache cache)
    {
        var node = cache.LruNode!;
        if (node != _lru.First)
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
        }
    }

    private void Remove(KvCache cache)
    {
        _caches.Remove(cache.Conversation);
        _lru.Remove(cache.LruNode!);
        Bytes -= cache.Bytes;
        cache.Dispose();
    }
}
