using System.Buffers.Binary;
using System.Text;

namespace EdgeLam.Wire.Tests.Support;

/// <summary>
/// Builds frames byte by byte from the table in docs/protocol.md ("Activation frame"), without the library's
/// writer, so tests can compare against an independent encoding and craft malformed frames.
/// </summary>
internal sealed class ManualFrame
{
    private readonly List<byte> _bytes = [];

    public ManualFrame(
        byte flags = 0, ushort boundary = 0, byte[]? sessionId = null, ulong requestId = 0, uint step = 0, uint epoch = 0,
        byte[]? modelId = null, ushort? tensorCount = null, byte version = 1)
    {
        Header(flags, boundary, sessionId ?? new byte[16], requestId, step, epoch, modelId ?? new byte[16], version);
        DeclaredTensorCount = tensorCount;
    }

    public ushort? DeclaredTensorCount { get; }

    public int Tensors { get; private set; }

    public ManualFrame Tensor(string name, byte dtype, byte codec, uint[] dims, byte[] scale, byte[] payload, uint? scaleLength = null, uint? payloadLength = null)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        _bytes.Add((byte)nameBytes.Length);
        _bytes.Add(dtype);
        _bytes.Add(codec);
        _bytes.Add((byte)dims.Length);
        _bytes.AddRange(nameBytes);
        foreach (uint d in dims)
        {
            U32(d);
        }

        U32(scaleLength ?? (uint)scale.Length);
        U32(payloadLength ?? (uint)payload.Length);
        _bytes.AddRange(scale);
        _bytes.AddRange(payload);
        Tensors++;
        return this;
    }

    public ManualFrame Bytes(params byte[] extra)
    {
        _bytes.AddRange(extra);
        return this;
    }

    /// <summary>Fills in tensor count, length and the CRC-32C (bitwise reference) and returns the frame.</summary>
    public byte[] Build()
    {
        byte[] frame = [.. _bytes, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(6), DeclaredTensorCount ?? (ushort)Tensors);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), (uint)frame.Length);
        Reseal(frame);
        return frame;
    }

    /// <summary>Rewrites the CRC-32C trailer of <paramref name="frame"/> after a deliberate change.</summary>
    public static void Reseal(Span<byte> frame)
    {
        if (frame.Length >= 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frame[^4..], Crc32CReference.Compute(frame[..^4]));
        }
    }

    private void Header(byte flags, ushort boundary, byte[] sessionId, ulong requestId, uint step, uint epoch, byte[] modelId, byte version)
    {
        _bytes.AddRange("ELAF"u8.ToArray());
        _bytes.Add(version);
        _bytes.Add(flags);
        U16(0);          // tensor count, filled by Build
        U32(0);          // frame length, filled by Build
        U16(boundary);
        U16(0);          // reserved
        _bytes.AddRange(sessionId);
        U64(requestId);
        U32(step);
        U32(epoch);
        _bytes.AddRange(modelId);
    }

    private void U16(ushort v) => _bytes.AddRange(BitConverter.GetBytes(v));

    private void U32(uint v) => _bytes.AddRange(BitConverter.GetBytes(v));

    private void U64(ulong v) => _bytes.AddRange(BitConverter.GetBytes(v));
}
