using EdgeLam.Inference.Segments;

namespace EdgeLam.Inference.Ranges;

/// <summary>
/// The KV cache of one conversation for some blocks, taken out of a chain (<c>SegmentChain.ExportKv</c>) to be put
/// into another (<c>SegmentChain.ImportKv</c>): <see cref="Length"/> positions of each tensor in
/// <see cref="Tensors"/>, one after another in <see cref="Data"/>, each as [heads, length, head size] in the model's
/// element type. The snapshot owns its bytes (a copy): the chain it came from keeps its cache, and the chain it goes
/// to copies them again, so either side may be dropped or disposed at any time.
/// </summary>
public sealed class KvSnapshot
{
    private readonly byte[] _data;
    private readonly long[] _offsets;

    /// <summary>Wraps <paramref name="data"/> (taken, not copied).</summary>
    /// <exception cref="ArgumentException">A tensor is named twice, or the bytes do not match the layouts at this length.</exception>
    public KvSnapshot(Guid conversation, int length, IReadOnlyList<KvTensorLayout> tensors, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (tensors.Select(t => t.PastName).Distinct(StringComparer.Ordinal).Count() != tensors.Count)
        {
            throw new ArgumentException("A KV tensor is named twice.", nameof(tensors));
        }

        _offsets = new long[tensors.Count + 1];
        for (var t = 0; t < tensors.Count; t++)
        {
            _offsets[t + 1] = _offsets[t] + (tensors[t].BytesPerPosition * length);
        }

        if (_offsets[^1] != data.LongLength)
        {
            throw new ArgumentException(tensors.Count + " KV tensors at " + length + " positions take " + _offsets[^1] + " bytes; " + data.LongLength + " were given.", nameof(data));
        }

        Conversation = conversation;
        Length = length;
        Tensors = [.. tensors];
        _data = data;
    }

    /// <summary>The conversation.</summary>
    public Guid Conversation { get; }

    /// <summary>Positions held.</summary>
    public int Length { get; }

    /// <summary>The cached tensors, in <see cref="Data"/> order.</summary>
    public IReadOnlyList<KvTensorLayout> Tensors { get; }

    /// <summary>Every tensor's positions, one tensor after another.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Bytes held (what a handover carries).</summary>
    public long Bytes => _data.LongLength;

    /// <summary>Index of the tensor whose past input is <paramref name="pastName"/>, or -1.</summary>
    public int IndexOf(string pastName)
    {
        for (var t = 0; t < Tensors.Count; t++)
        {
            if (Tensors[t].PastName == pastName)
            {
                return t;
            }
        }

        return -1;
    }

    /// <summary>The bytes of tensor <paramref name="index"/>, [heads, <see cref="Length"/>, head size].</summary>
    public ReadOnlySpan<byte> Tensor(int index) => _data.AsSpan((int)_offsets[index], (int)(_offsets[index + 1] - _offsets[index]));

    /// <summary>One snapshot holding the tensors of all <paramref name="parts"/> (one conversation, one length, no tensor twice).</summary>
    /// <exception cref="ArgumentException">The parts are of different conversations or lengths, or share a tensor.</exception>
    public static KvSnapshot Merge(params IReadOnlyList<KvSnapshot> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("Nothing to merge.", nameof(parts));
        }

        var first = parts[0];
        if (parts.Any(p => p.Conversation != first.Conversation || p.Length != first.Length))
        {
            throw new ArgumentException("KV snapshots of different conversations or lengths cannot be merged (" + string.Join(", ", parts.Select(p => p.Conversation + " at " + p.Length)) + ").", nameof(parts));
        }

        var data = new byte[parts.Sum(p => p.Bytes)];
        var offset = 0;
        foreach (var p in parts)
        {
            p._data.CopyTo(data, offset);
            offset += p._data.Length;
        }

        return new KvSnapshot(first.Conversation, first.Length, [.. parts.SelectMany(p => p.Tensors)], data);
    }
}
