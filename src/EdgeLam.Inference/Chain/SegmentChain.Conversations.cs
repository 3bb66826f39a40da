using System.Diagnostics;
using EdgeLam.Inference.Ranges;
using EdgeLam.Inference.Segments;

namespace EdgeLam.Inference.Chain;

/// <summary>The conversations a chain holds: lengths, dropping and rewinding, and moving their KV caches to another chain.</summary>
public sealed partial class SegmentChain
{
    /// <summary>Positions held for <paramref name="conversation"/> (0 when unknown).</summary>
    public int Length(Guid conversation) => _lengths.GetValueOrDefault(conversation);

    /// <summary>Drops the conversation in every hosted segment; false when it was not held.</summary>
    public bool Drop(Guid conversation)
    {
        var held = _lengths.Remove(conversation);
        _used.Remove(conversation);
        foreach (var s in _segments)
        {
            held |= s.Drop(conversation);
        }

        return held;
    }

    /// <summary>
    /// Drops every conversation that ran no step for <paramref name="idle"/> or longer (a peer cannot know when a
    /// gateway's conversation ended by a stop token, nor when its gateway went away). Allocates nothing.
    /// </summary>
    /// <returns>How many were dropped.</returns>
    public int DropIdle(TimeSpan idle)
    {
        var dropped = 0;
        foreach (var (conversation, used) in _used)
        {
            if (Stopwatch.GetElapsedTime(used) >= idle && Drop(conversation))
            {
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>Forgets every position from <paramref name="length"/> on; the caches keep their capacity. Allocates nothing.</summary>
    /// <exception cref="ConversationNotFoundException">The conversation is not held.</exception>
    public void Rewind(Guid conversation, int length)
    {
        if (!_lengths.TryGetValue(conversation, out var current))
        {
            throw new ConversationNotFoundException(conversation);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, current);
        foreach (var s in _segments)
        {
            s.Conversations.Get(conversation).Length = length;
        }

        _lengths[conversation] = length;
    }

    /// <summary>
    /// Copies the KV cache of <paramref name="conversation"/> out of the hosted segments: the tensors named in
    /// <paramref name="tensors"/> (past input names, e.g. <c>BlockLibrary.KvTensors</c> of the blocks that change
    /// owner), or every hosted one when null. The chain keeps the conversation; the snapshot owns its copy.
    /// </summary>
    /// <exception cref="ConversationNotFoundException">The conversation is not held (or was evicted).</exception>
    /// <exception cref="InferenceException">A named tensor is not hosted by this range.</exception>
    public KvSnapshot ExportKv(Guid conversation, IReadOnlyCollection<string>? tensors = null)
    {
        if (!_lengths.TryGetValue(conversation, out var length))
        {
            throw new ConversationNotFoundException(conversation);
        }

        var picked = new List<(SegmentRunner Segment, int Index)>();
        foreach (var s in _segments)
        {
            for (var t = 0; t < s.Signature.KeyValues.Count; t++)
            {
                if (tensors is null || tensors.Contains(s.Signature.KeyValues[t].PastName))
                {
                    picked.Add((s, t));
                }
            }
        }

        if (tensors is not null && picked.Count != tensors.Count)
        {
            var hosted = picked.Select(p => p.Segment.Signature.KeyValues[p.Index].PastName).ToHashSet(StringComparer.Ordinal);
            throw new InferenceException("Range " + Range + " does not host KV tensor(s) " + string.Join(", ", tensors.Where(n => !hosted.Contains(n))) + ".");
        }

        var layouts = picked.Select(p => p.Segment.Signature.KeyValues[p.Index]).ToArray();
        var data = new byte[layouts.Sum(l => l.BytesPerPosition * length)];
        var offset = 0;
        try
        {
            foreach (var (segment, index) in picked)
            {
                var bytes = (int)(segment.Signature.KeyValues[index].BytesPerPosition * length);
                segment.Conversations.Get(conversation).CopyTo(index, data.AsSpan(offset, bytes));
                offset += bytes;
            }
        }
        catch (ConversationNotFoundException)
        {
            Drop(conversation);
            throw;
        }

        return new KvSnapshot(conversation, length, layouts, data);
    }

    /// <summary>
    /// Takes a conversation over from a <see cref="KvSnapshot"/> (merged from every chain that held its blocks):
    /// each hosted KV tensor is copied from the snapshot (tensors of blocks this range does not host are ignored),
    /// and the conversation continues at <see cref="KvSnapshot.Length"/> positions as if its steps had run here. A
    /// conversation already held is replaced. A snapshot that does not fit (a missing tensor, another
    /// layout, too many positions) changes nothing; one over the memory budget leaves the conversation not held.
    /// </summary>
    /// <exception cref="InferenceException">A hosted tensor is missing from the snapshot or has another layout, or the cache exceeds the memory budget.</exception>
    /// <exception cref="ContextOverflowException">The snapshot holds more positions than the context limit.</exception>
    public void ImportKv(KvSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var conversation = snapshot.Conversation;
        if (snapshot.Length > ContextLimit)
        {
            throw new ContextOverflowException(conversation, 0, snapshot.Length, ContextLimit);
        }

        var sources = _segments.Select(s => s.Signature.KeyValues.Select(l => snapshot.IndexOf(l.PastName)).ToArray()).ToArray();
        var hosted = _segments.SelectMany(s => s.Signature.KeyValues).ToArray();
        var missing = hosted.Where(l => snapshot.IndexOf(l.PastName) < 0).Select(l => l.PastName).ToArray();
        if (missing.Length > 0)
        {
            throw new InferenceException("The KV snapshot of conversation " + conversation + " lacks " + string.Join(", ", missing) + ", which range " + Range + " hosts.");
        }

        foreach (var layout in hosted)
        {
            var given = snapshot.Tensors[snapshot.IndexOf(layout.PastName)];
            if (given.ElementType != layout.ElementType || given.Heads != layout.Heads || given.HeadSize != layout.HeadSize)
            {
                throw new InferenceException("KV tensor '" + layout.PastName + "' of the snapshot is " + given.ElementType + " [" + given.Heads + " heads x " + given.HeadSize + "]; range " + Range + " holds " + layout.ElementType + " [" + layout.Heads + " heads x " + layout.HeadSize + "].");
            }
        }

        Drop(conversation);
        try
        {
            var capacity = KvCapacity.For(snapshot.Length, ContextLimit);
            for (var k = 0; k < _segments.Length; k++)
            {
                var store = _segments[k].Conversations;
                var cache = store.Start(conversation);
                store.Grow(cache, capacity);
                for (var t = 0; t < sources[k].Length; t++)
                {
                    cache.Load(t, snapshot.Tensor(sources[k][t]), snapshot.Length);
                }

                cache.Length = snapshot.Length;
            }
        }
        catch
        {
            Drop(conversation);
            throw;
        }

        _lengths[conversation] = snapshot.Length;
        _used[conversation] = Stopwatch.GetTimestamp();
    }
}
