using System.Buffers.Binary;
using System.Text;
using EdgeLam.Inference;
using EdgeLam.Inference.Ranges;
using EdgeLam.Wire.Checksums;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Transport.Handover;

/// <summary>
/// The bytes of a KV handover message, little-endian: "EKVH", version 1, kind (1 send, 2 block, 3 ack), model id
/// (16), conversation (16), from and to epoch, step (uint32 each), positions (int32), gateway (uint8 length, UTF-8);
/// then per kind — send: uint16 count and per target the block (int32) and node (uint8 length, UTF-8); block: the
/// block (int32), payload length and payload CRC-32C (uint32 each); ack: node (uint8 length, UTF-8), accepted (uint8),
/// reason (uint16 length, UTF-8) — then the CRC-32C of every byte before it (the header). A block's payload follows:
/// one <see cref="KvSnapshotCodec"/> snapshot (tensor names, element type, heads, head size, data). Pure; decoding
/// checks every field, so a damaged or foreign message is a <see cref="KvMessageException"/>, never a bad cache.
/// </summary>
public static class KvMessageCodec
{
    /// <summary>The most targets a send message names.</summary>
    public const int MaxTargets = 4096;

    private const byte Version = 1;
    private const int FixedHeader = 54;
    private static readonly byte[] Magic = "EKVH"u8.ToArray();
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>The encoded message.</summary>
    /// <exception cref="ArgumentException">A name is empty or longer than 255 bytes, a block's snapshot does not match its header, or there are too many targets.</exception>
    public static byte[] Encode(KvMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var header = new List<byte>(128);
        byte[]? payload = null;
        WriteHeader(header, message);
        switch (message)
        {
            case KvSendMessage send:
                if (send.Targets.Count is 0 or > MaxTargets)
                {
                    throw new ArgumentException("A send message names 1 to " + MaxTargets + " blocks, not " + send.Targets.Count + ".", nameof(message));
                }

                AddUInt16(header, (ushort)send.Targets.Count);
                foreach (var target in send.Targets)
                {
                    AddInt32(header, target.Block);
                    AddShortName(header, target.Node);
                }

                break;
            case KvBlockMessage block:
                if (block.Kv.Conversation != block.Header.Conversation || block.Kv.Length != block.Header.Positions)
                {
                    throw new ArgumentException("The KV of block " + block.Block + " is of conversation " + block.Kv.Conversation + " at " + block.Kv.Length + " positions; the header names " + block.Header.Conversation + " at " + block.Header.Positions + ".", nameof(message));
                }

                payload = KvSnapshotCodec.Encode(block.Kv);
                AddInt32(header, block.Block);
                AddInt32(header, payload.Length);
                AddUInt32(header, Crc32C.Compute(payload));
                break;
            case KvAckMessage ack:
                AddShortName(header, ack.Node);
                header.Add(ack.Accepted ? (byte)1 : (byte)0);
                var reason = Encoding.UTF8.GetBytes(ack.Reason ?? string.Empty);
                var cut = Math.Min(reason.Length, ushort.MaxValue);
                AddUInt16(header, (ushort)cut);
                header.AddRange(reason.AsSpan(0, cut));
                break;
            default:
                throw new ArgumentException("Unknown KV message " + message.GetType().Name + ".", nameof(message));
        }

        var headerBytes = header.ToArray();
        var bytes = new byte[headerBytes.Length + 4 + (payload?.Length ?? 0)];
        headerBytes.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(headerBytes.Length), Crc32C.Compute(headerBytes));
        payload?.CopyTo(bytes, headerBytes.Length + 4);
        return bytes;
    }

    /// <summary>The message in <paramref name="bytes"/> (a block's data copied).</summary>
    /// <exception cref="KvMessageException">The bytes are not one whole, valid message; <see cref="KvMessageException.Header"/> is set when only the body was damaged.</exception>
    public static KvMessage Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < FixedHeader + 2 + 4 || !bytes[..4].SequenceEqual(Magic))
        {
            throw new KvMessageException("Not a KV handover message: " + bytes.Length + " bytes without the EKVH header.");
        }

        if (bytes[4] != Version)
        {
            throw new KvMessageException("KV handover message of version " + bytes[4] + "; this node reads version " + Version + ".");
        }

        var kind = bytes[5];
        var at = FixedHeader;
        var gateway = ReadShortName(bytes, ref at, "gateway");
        var header = new KvHandoverHeader(
            ModelId.Read(bytes[6..]),
            new Guid(bytes.Slice(22, 16)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[38..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[42..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[46..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[50..]),
            gateway);
        KvMessage message;
        var payloadLength = 0;
        uint payloadCrc = 0;
        var block = 0;
        switch (kind)
        {
            case 1:
                Need(bytes, at, 2);
                var count = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
                at += 2;
                if (count is 0 or > MaxTargets)
                {
                    throw new KvMessageException("KV send message names " + count + " blocks (1 to " + MaxTargets + ").");
                }

                var targets = new KvBlockTarget[count];
                for (var i = 0; i < count; i++)
                {
                    Need(bytes, at, 4);
                    var target = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
                    at += 4;
                    targets[i] = new KvBlockTarget(target, ReadShortName(bytes, ref at, "node"));
                }

                message = new KvSendMessage(header, targets);
                break;
            case 2:
                Need(bytes, at, 12);
                block = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
                payloadLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]);
                payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 8)..]);
                at += 12;
                message = null!; // read after the header checks
                break;
            case 3:
                var node = ReadShortName(bytes, ref at, "node");
                Need(bytes, at, 3);
                var accepted = bytes[at] switch
                {
                    0 => false,
                    1 => true,
                    var other => throw new KvMessageException("KV ack with accepted flag " + other + "."),
                };
                var reasonLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(at + 1)..]);
                at += 3;
                Need(bytes, at, reasonLength);
                var reason = Text(bytes.Slice(at, reasonLength), "reason");
                at += reasonLength;
                message = new KvAckMessage(header, node, accepted, reason);
                break;
            default:
                throw new KvMessageException("KV handover message of unknown kind " + kind + ".");
        }

        Need(bytes, at, 4);
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]) != Crc32C.Compute(bytes[..at]))
        {
            throw new KvMessageException("KV handover message header fails its CRC-32C.");
        }

        at += 4;
        if (header.Positions <= 0)
        {
            throw new KvMessageException("KV handover message of conversation " + header.Conversation + " declares " + header.Positions + " positions.");
        }

        if (kind != 2)
        {
            return bytes.Length == at ? message : throw new KvMessageException("KV handover message carries " + (bytes.Length - at) + " bytes after its header.");
        }

        if (block < 0 || payloadLength < 0 || bytes.Length - at != payloadLength)
        {
            throw new KvMessageException("KV of block " + block + " declares " + payloadLength + " payload bytes; " + (bytes.Length - at) + " came.", header);
        }

        var payload = bytes[at..];
        if (Crc32C.Compute(payload) != payloadCrc)
        {
            throw new KvMessageException("KV of block " + block + " of conversation " + header.Conversation + " fails its CRC-32C.", header);
        }

        KvSnapshot kv;
        try
        {
            kv = KvSnapshotCodec.Decode(payload);
        }
        catch (InferenceException e)
        {
            throw new KvMessageException("KV of block " + block + ": " + e.Message, header, e);
        }

        if (kv.Conversation != header.Conversation || kv.Length != header.Positions)
        {
            throw new KvMessageException("KV of block " + block + " holds conversation " + kv.Conversation + " at " + kv.Length + " positions; its header names " + header.Conversation + " at " + header.Positions + ".", header);
        }

        return new KvBlockMessage(header, block, kv);
    }

    private static void WriteHeader(List<byte> header, KvMessage message)
    {
        var h = message.Header;
        header.AddRange(Magic);
        header.Add(Version);
        header.Add(message switch
        {
            KvSendMessage => 1,
            KvBlockMessage => 2,
            _ => 3,
        });
        Span<byte> fixedPart = stackalloc byte[48];
        h.Model.WriteTo(fixedPart);
        h.Conversation.TryWriteBytes(fixedPart[16..]);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart[32..], h.FromEpoch);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart[36..], h.ToEpoch);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedPart[40..], h.Step);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[44..], h.Positions);
        header.AddRange(fixedPart);
        AddShortName(header, h.Gateway);
    }

    private static void AddShortName(List<byte> header, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name ?? string.Empty);
        if (bytes.Length is 0 or > byte.MaxValue)
        {
            throw new ArgumentException("A node name in a KV message takes 1 to 255 UTF-8 bytes, not " + bytes.Length + ".", nameof(name));
        }

        header.Add((byte)bytes.Length);
        header.AddRange(bytes);
    }

    private static void AddUInt16(List<byte> header, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        header.AddRange(b);
    }

    private static void AddInt32(List<byte> header, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        header.AddRange(b);
    }

    private static void AddUInt32(List<byte> header, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        header.AddRange(b);
    }

    private static string ReadShortName(ReadOnlySpan<byte> bytes, ref int at, string what)
    {
        Need(bytes, at, 1);
        var length = bytes[at];
        Need(bytes, at + 1, length);
        if (length == 0)
        {
            throw new KvMessageException("KV handover message with an empty " + what + ".");
        }

        var name = Text(bytes.Slice(at + 1, length), what);
        at += 1 + length;
        return name;
    }

    private static string Text(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new KvMessageException("The " + what + " of a KV handover message is not UTF-8.", e);
        }
    }

    private static void Need(ReadOnlySpan<byte> bytes, int at, int count)
    {
        if (bytes.Length - at < count)
        {
            throw new KvMessageException("KV handover message truncated at byte " + at + " of " + bytes.Length + ".");
        }
    }
}
