using EdgeLam.Inference.Ranges;

namespace EdgeLam.Transport.Handover;

/// <summary>
/// The blocks of one conversation's handover that a node takes over, collected as they arrive (from several old
/// owners, in any order): complete when every block of its range came, all at the header's positions and step. A
/// block outside the range or at other positions is refused; one that came already (a broker redelivery) is ignored.
/// </summary>
internal sealed class KvInbox(KvHandoverHeader header, int firstBlock, int endBlock, long created)
{
    private readonly SortedDictionary<int, KvSnapshot> _blocks = [];

    public KvHandoverHeader Header { get; } = header;

    /// <summary>When the first part arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public long Created { get; } = created;

    public bool IsComplete => _blocks.Count == endBlock - firstBlock;

    /// <summary>Adds a block; null when it fits (or is a repeat), else why it is refused.</summary>
    public string? Add(KvBlockMessage message)
    {
        var h = message.Header;
        if (message.Block < firstBlock || message.Block >= endBlock)
        {
            return "block " + message.Block + " is not in this node's range [" + firstBlock + ", " + endBlock + ") of epoch " + h.ToEpoch;
        }

        if (h.Positions != Header.Positions || message.Kv.Length != Header.Positions || h.Step != Header.Step || h.FromEpoch != Header.FromEpoch)
        {
            return "block " + message.Block + " holds " + h.Positions + " positions at step " + h.Step + " from epoch " + h.FromEpoch + "; the handover's other blocks " + Header.Positions + " at step " + Header.Step + " from epoch " + Header.FromEpoch;
        }

        _blocks.TryAdd(message.Block, message.Kv);
        return null;
    }

    /// <summary>The whole range's KV as one snapshot (when complete).</summary>
    public KvSnapshot Merge() => KvSnapshot.Merge([.. _blocks.Values]);

    /// <summary>Bytes received.</summary>
    public long Bytes => _blocks.Values.Sum(k => k.Bytes);
}
