using System.Buffers.Binary;
using System.Text;
using EdgeLam.Core.Tensors;
using EdgeLam.Inference.Segments;

namespace EdgeLam.Inference.Ranges;

/// <summary>
/// The bytes a <see cref="KvSnapshot"/> crosses a link as, little-endian: "EKV1", the conversation (16 bytes), the
/// length and the tensor count (int32 each); per tensor its past and present names (uint16 length, UTF-8), element
/// type, heads and head size (int32 each); then <see cref="KvSnapshot.Data"/>. Decoding checks every field, so a
/// damaged or foreign message is an <see cref="InferenceException"/>, never a bad cache.
/// </summary>
public static class KvSnapshotCodec
{
    private const int MaxTensors = 4096;
    private static readonly byte[] Magic = "EKV1"u8.ToArray();

    /// <summary>The encoded snapshot.</summary>
    public static byte[] Encode(KvSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var names = snapshot.Tensors.Select(t => (Past: Encoding.UTF8.GetBytes(t.PastName), Present: Encoding.UTF8.GetBytes(t.PresentName))).ToArray();
        if (names.Any(n => n.Past.Length > ushort.MaxValue || n.Present.Length > ushort.MaxValue))
        {
            throw new ArgumentException("A KV tensor name is longer than " + ushort.MaxValue + " bytes.", nameof(snapshot));
        }

        var header = 4 + 16 + 4 + 4 + names.Sum(n => 2 + n.Past.Length + 2 + n.Present.Length + 12);
        var bytes = new byte[header + snapshot.Bytes];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        snapshot.Conversation.TryWriteBytes(span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], snapshot.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], snapshot.Tensors.Count);
        var at = 28;
        for (var t = 0; t < names.Length; t++)
        {
            at = WriteName(span, at, names[t].Past);
            at = WriteName(span, at, names[t].Present);
            var layout = snapshot.Tensors[t];
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], (int)layout.ElementType);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], layout.Heads);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], layout.HeadSize);
            at += 12;
        }

        snapshot.Data.Span.CopyTo(span[at..]);
        return bytes;
    }

    /// <summary>The snapshot in <paramref name="bytes"/> (its data copied).</summary>
    /// <exception cref="InferenceException">The bytes are not a whole, valid encoded snapshot.</exception>
    public static KvSnapshot Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 28 || !bytes[..4].SequenceEqual(Magic))
        {
            throw new InferenceException("Not a KV snapshot: " + bytes.Length + " bytes without the EKV1 header.");
        }

        var conversation = new Guid(bytes.Slice(4, 16));
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        if (length <= 0 || count < 0 || count > MaxTensors)
        {
            throw new InferenceException("KV snapshot of conversation " + conversation + " declares " + length + " positions and " + count + " tensors.");
        }

        var at = 28;
        var layouts = new KvTensorLayout[count];
        long dataBytes = 0;
        for (var t = 0; t < count; t++)
        {
            var past = ReadName(bytes, ref at);
            var present = ReadName(bytes, ref at);
            Need(bytes, at, 12);
            var type = (TensorElementType)BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
            var heads = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]);
            var headSize = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 8)..]);
            at += 12;
            if (type.SizeInBytes() == 0 || heads <= 0 || headSize <= 0)
            {
                throw new InferenceException("KV tensor '" + past + "' of the snapshot has element type " + (int)type + ", " + heads + " heads of size " + headSize + ".");
            }

            layouts[t] = new KvTensorLayout(past, present, type, heads, headSize);
            dataBytes += layouts[t].BytesPerPosition * length;
        }

        if (bytes.Length - at != dataBytes)
        {
            throw new InferenceException("KV snapshot of conversation " + conversation + " carries " + (bytes.Length - at) + " data bytes; its " + count + " tensors at " + length + " positions take " + dataBytes + ".");
        }

        try
        {
            return new KvSnapshot(conversation, length, layouts, bytes[at..].ToArray());
        }
        catch (ArgumentException e)
        {
            throw new InferenceException("KV snapshot of conversation " + conversation + ": " + e.Message, e);
        }
    }

    private static int WriteName(Span<byte> span, int at, byte[] name)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)name.Length);
        name.CopyTo(span[(at + 2)..]);
        return at + 2 + name.Length;
    }

    private static string ReadName(ReadOnlySpan<byte> bytes, ref int at)
    {
        Need(bytes, at, 2);
        var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
        Need(bytes, at + 2, length);
        try
        {
            var name = new UTF8Encoding(false, true).GetString(bytes.Slice(at + 2, length));
            at += 2 + length;
            return name;
        }
        catch (DecoderFallbackException e)
        {
            throw new InferenceException("A KV tensor name of the snapshot is not UTF-8.", e);
        }
    }

    private static void Need(ReadOnlySpan<byte> bytes, int at, int count)
    {
        if (bytes.Length - at < count)
        {
            throw new InferenceException("KV snapshot truncated at byte " + at + " of " + bytes.Length + ".");
        }
    }
}
