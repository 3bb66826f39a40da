using EdgeLam.Inference.Ranges;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Handover;

/// <summary>
/// What every KV handover message names: the conversation that moves from <paramref name="FromEpoch"/> to
/// <paramref name="ToEpoch"/> (it keeps its id), the last step its cache holds (the next frame is step + 1), how many
/// positions the cache holds, and the gateway that drives it (acknowledgements go to that gateway's <c>kv</c> topic).
/// </summary>
public readonly record struct KvHandoverHeader(ModelId Model, Guid Conversation, uint FromEpoch, uint ToEpoch, uint Step, int Positions, string Gateway);

/// <summary>Where one block's KV goes: the block and its owner in the new epoch.</summary>
public readonly record struct KvBlockTarget(int Block, string Node);

/// <summary>A message of the KV handover, on a node's <c>nodes/{node}/kv</c> topic (docs/protocol.md "KV handover").</summary>
public abstract record KvMessage(KvHandoverHeader Header);

/// <summary>Gateway → an old owner: send the KV of these blocks of the conversation to their new owners, then drop it.</summary>
public sealed record KvSendMessage(KvHandoverHeader Header, IReadOnlyList<KvBlockTarget> Targets) : KvMessage(Header);

/// <summary>Old owner → new owner: the KV of one block (every tensor of the block, <see cref="KvHandoverHeader.Positions"/> positions).</summary>
public sealed record KvBlockMessage(KvHandoverHeader Header, int Block, KvSnapshot Kv) : KvMessage(Header);

/// <summary>New owner (or an old owner that cannot send) → gateway: the node's part of the handover is imported, or refused with the reason.</summary>
public sealed record KvAckMessage(KvHandoverHeader Header, string Node, bool Accepted, string Reason) : KvMessage(Header);

/// <summary>
/// A KV handover message that cannot be read. <see cref="Header"/> is set when the header itself was intact (its
/// checksum held) but the rest was not, so the receiver can refuse the named handover at once instead of letting it
/// time out.
/// </summary>
public sealed class KvMessageException : Exception
{
    public KvMessageException()
    {
    }

    public KvMessageException(string message)
        : base(message)
    {
    }

    public KvMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KvMessageException(string message, KvHandoverHeader header, Exception? innerException = null)
        : base(message, innerException)
    {
        Header = header;
    }

    /// <summary>The intact header of a message whose body was damaged, or null.</summary>
    public KvHandoverHeader? Header { get; }
}
