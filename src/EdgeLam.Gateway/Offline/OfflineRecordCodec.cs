using System.Buffers.Binary;
using System.Text;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Checksums;

namespace EdgeLam.Gateway.Offline;

/// <summary>What <see cref="OfflineRecordCodec.Decode"/> found at the start of its input.</summary>
public enum OfflineDecodeStatus
{
    /// <summary>A whole record that checks out.</summary>
    Ok,

    /// <summary>The input ends inside a record (a torn tail: the write was cut short).</summary>
    Incomplete,

    /// <summary>A record whose length, checksum, version or body is wrong.</summary>
    Corrupt,
}

/// <summary>
/// The offline queue's record format (pure: no I/O, no clock). A record is
/// <c>length:u32 | crc:u32 | version:u8 | kind:u8 | sequence:u64 | body</c>, little-endian, where
/// <c>length</c> counts the bytes after the CRC and <c>crc</c> is the CRC-32C (<see cref="Crc32C"/>, as in activation frames) of those bytes. The body of
/// a <see cref="OfflineRecordKind.Window"/> is <c>created:i64 (Unix ms) | id:u8 len + ASCII | window:u16 len + UTF-8
/// JSON (0: none) | parts:u16</c>, then per part <c>type:u8 (1 ids, 2 embeddings) | positions:i32</c> followed by
/// <c>positions</c> i64 ids, or <c>values:i32</c> and that many f32 (a multiple of positions). A
/// <see cref="OfflineRecordKind.Removed"/> body is its reason (u8); an <see cref="OfflineRecordKind.Attempted"/> body is
/// empty. Every count is checked against the bytes present before anything is allocated.
/// </summary>
public static class OfflineRecordCodec
{
    /// <summary>The format version written (and the only one read).</summary>
    public const byte Version = 1;

    /// <summary>Bytes before the checksummed part: length and CRC.</summary>
    public const int PrefixBytes = 8;

    /// <summary>The largest checksummed part accepted (16 MiB): anything longer is corrupt.</summary>
    public const int MaxRecordBytes = 16 << 20;

    /// <summary>The most input runs in one request.</summary>
    public const int MaxParts = 1024;

    private const int FixedBytes = 1 + 1 + 8; // version, kind, sequence
    private const byte IdsPart = 1;
    private const byte EmbeddingsPart = 2;

    /// <summary>The whole record (prefix included) for <paramref name="record"/>.</summary>
    /// <exception cref="ArgumentException">The record cannot be stored (bad id, too many parts, too large).</exception>
    public static byte[] Encode(OfflineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var body = record.Kind switch
        {
            OfflineRecordKind.Window => WindowBytes(record.Window ?? throw new ArgumentException("A window record has a window.", nameof(record))),
            OfflineRecordKind.Removed => 1,
            OfflineRecordKind.Attempted => 0,
            _ => throw new ArgumentException("Unknown record kind " + record.Kind + ".", nameof(record)),
        };
        var length = FixedBytes + body;
        if (length > MaxRecordBytes)
        {
            throw new ArgumentException("The record is " + length + " bytes; at most " + MaxRecordBytes + " are stored.", nameof(record));
        }

        var bytes = new byte[PrefixBytes + length];
        var w = new Writer(bytes.AsSpan(PrefixBytes));
        w.U8(Version);
        w.U8((byte)record.Kind);
        w.U64(record.Sequence);
        switch (record.Kind)
        {
            case OfflineRecordKind.Window:
                WriteWindow(ref w, record.Window!);
                break;
            case OfflineRecordKind.Removed:
                w.U8((byte)record.Reason);
                break;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(bytes.AsSpan(PrefixBytes)));
        return bytes;
    }

    /// <summary>
    /// Decodes the record at the start of <paramref name="data"/>; <paramref name="consumed"/> is its whole length
    /// when <see cref="OfflineDecodeStatus.Ok"/>. <paramref name="problem"/> says what is wrong otherwise. Never throws.
    /// </summary>
    public static OfflineDecodeStatus Decode(ReadOnlySpan<byte> data, out OfflineRecord? record, out int consumed, out string? problem)
    {
        record = null;
        consumed = 0;
        if (data.Length < PrefixBytes)
        {
            problem = data.Length + " bytes, shorter than a record's prefix";
            return OfflineDecodeStatus.Incomplete;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length is < FixedBytes or > MaxRecordBytes)
        {
            problem = "record length " + length + " outside " + FixedBytes + ".." + MaxRecordBytes;
            return OfflineDecodeStatus.Corrupt;
        }

        if ((ulong)data.Length - PrefixBytes < length)
        {
            problem = "record of " + length + " bytes cut after " + (data.Length - PrefixBytes);
            return OfflineDecodeStatus.Incomplete;
        }

        var payload = data.Slice(PrefixBytes, (int)length);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(data[4..]))
        {
            problem = "checksum mismatch";
            return OfflineDecodeStatus.Corrupt;
        }

        var r = new Reader(payload);
        if (r.U8() != Version)
        {
            problem = "version " + payload[0] + " (this build reads " + Version + ")";
            return OfflineDecodeStatus.Corrupt;
        }

        var kind = (OfflineRecordKind)r.U8();
        var sequence = r.U64();
        problem = null;
        switch (kind)
        {
            case OfflineRecordKind.Window:
                var window = ReadWindow(ref r, ref problem);
                record = window is null ? null : new OfflineRecord(kind, sequence, window);
                break;
            case OfflineRecordKind.Removed:
                var reason = (OfflineRemoval)r.U8();
                record = r.Ok && Enum.IsDefined(reason) ? new OfflineRecord(kind, sequence, Reason: reason) : null;
                problem ??= "unknown removal reason";
                break;
            case OfflineRecordKind.Attempted:
                record = new OfflineRecord(kind, sequence);
                break;
            default:
                problem = "unknown record kind " + (byte)kind;
                break;
        }

        if (record is null || !r.Ok || r.Left != 0)
        {
            record = null;
            problem ??= r.Ok ? r.Left + " bytes after the record's body" : "body shorter than its counts";
            return OfflineDecodeStatus.Corrupt;
        }

        problem = null;
        consumed = PrefixBytes + (int)length;
        return OfflineDecodeStatus.Ok;
    }

    /// <summary>True for a request id the queue stores: 1–64 of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static int WindowBytes(OfflineWindow window)
    {
        if (!IsValidId(window.Id))
        {
            throw new ArgumentException("Request id '" + window.Id + "' is not 1-64 of [A-Za-z0-9._-].", nameof(window));
        }

        var json = window.Window is null ? 0 : Encoding.UTF8.GetByteCount(window.Window);
        if (json > RequestWindow.MaxEncodedBytes || window.Parts.Count is 0 or > MaxParts)
        {
            throw new ArgumentException("Request " + window.Id + ": window metadata of " + json + " bytes or " + window.Parts.Count + " parts (1.." + MaxParts + ").", nameof(window));
        }

        long bytes = 8 + 1 + window.Id.Length + 2 + json + 2;
        foreach (var part in window.Parts)
        {
            bytes += 1 + 4 + (part.Embeddings is { } rows ? 4 + (4L * rows.Length) : 8L * part.Ids!.Length);
        }

        return (int)Math.Min(bytes, int.MaxValue);
    }

    private static void WriteWindow(ref Writer w, OfflineWindow window)
    {
        w.I64(window.CreatedUnixMs);
        w.U8((byte)window.Id.Length);
        w.Ascii(window.Id);
        var json = window.Window is null ? [] : Encoding.UTF8.GetBytes(window.Window);
        w.U16((ushort)json.Length);
        w.Bytes(json);
        w.U16((ushort)window.Parts.Count);
        foreach (var part in window.Parts)
        {
            if (part.Embeddings is { } rows)
            {
                w.U8(EmbeddingsPart);
                w.I32(part.Positions);
                w.I32(rows.Length);
                foreach (var v in rows)
                {
                    w.F32(v);
                }
            }
            else
            {
                w.U8(IdsPart);
                w.I32(part.Ids!.Length);
                foreach (var id in part.Ids)
                {
                    w.I64(id);
                }
            }
        }
    }

    private static OfflineWindow? ReadWindow(ref Reader r, ref string? problem)
    {
        var created = r.I64();
        var id = r.Ascii(r.U8());
        if (!r.Ok || !IsValidId(id))
        {
            problem = "bad request id";
            return null;
        }

        var jsonLength = r.U16();
        if (jsonLength > RequestWindow.MaxEncodedBytes)
        {
            problem = "window metadata of " + jsonLength + " bytes";
            return null;
        }

        var json = jsonLength == 0 ? null : r.Utf8(jsonLength);
        var count = r.U16();
        if (!r.Ok || count is 0 or > MaxParts)
        {
            problem = "part count " + count;
            return null;
        }

        var parts = new List<GatewayInputPart>(count);
        for (var i = 0; i < count && r.Ok; i++)
        {
            var type = r.U8();
            var positions = r.I32();
            if (positions <= 0)
            {
                problem = "part " + i + " has " + positions + " positions";
                return null;
            }

            if (type == IdsPart && r.Has(8L * positions))
            {
                var ids = new long[positions];
                for (var k = 0; k < ids.Length; k++)
                {
                    ids[k] = r.I64();
                }

                parts.Add(new GatewayInputPart(ids, null, positions));
            }
            else if (type == EmbeddingsPart && r.I32() is var values && values > 0 && values % positions == 0 && r.Has(4L * values))
            {
                var rows = new float[values];
                for (var k = 0; k < rows.Length; k++)
                {
                    rows[k] = r.F32();
                }

                parts.Add(new GatewayInputPart(null, rows, positions));
            }
            else
            {
                problem = "part " + i + " (type " + type + ") does not fit the record";
                return null;
            }
        }

        return r.Ok ? new OfflineWindow(id, created, json, parts) : null;
    }

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _at;

        public void U8(byte v) => _buffer[_at++] = v;

        public void U16(ushort v) => Advance(2, BinaryPrimitives.TryWriteUInt16LittleEndian(_buffer[_at..], v));

        public void I32(int v) => Advance(4, BinaryPrimitives.TryWriteInt32LittleEndian(_buffer[_at..], v));

        public void I64(long v) => Advance(8, BinaryPrimitives.TryWriteInt64LittleEndian(_buffer[_at..], v));

        public void U64(ulong v) => Advance(8, BinaryPrimitives.TryWriteUInt64LittleEndian(_buffer[_at..], v));

        public void F32(float v) => Advance(4, BinaryPrimitives.TryWriteSingleLittleEndian(_buffer[_at..], v));

        public void Ascii(string s) => _at += Encoding.ASCII.GetBytes(s, _buffer[_at..]);

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[_at..]);
            _at += bytes.Length;
        }

        private void Advance(int n, bool written) => _at += written ? n : throw new InvalidOperationException("Record buffer too small.");
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        /// <summary>False once a read ran past the end (every later read returns 0).</summary>
        public bool Ok { get; private set; } = true;

        public readonly int Left => _data.Length - _at;

        public readonly bool Has(long n) => Ok && n <= Left;

        public byte U8() => Take(1) ? _data[_at - 1] : (byte)0;

        public ushort U16() => Take(2) ? BinaryPrimitives.ReadUInt16LittleEndian(_data[(_at - 2)..]) : (ushort)0;

        public int I32() => Take(4) ? BinaryPrimitives.ReadInt32LittleEndian(_data[(_at - 4)..]) : 0;

        public long I64() => Take(8) ? BinaryPrimitives.ReadInt64LittleEndian(_data[(_at - 8)..]) : 0;

        public ulong U64() => Take(8) ? BinaryPrimitives.ReadUInt64LittleEndian(_data[(_at - 8)..]) : 0;

        public float F32() => Take(4) ? BinaryPrimitives.ReadSingleLittleEndian(_data[(_at - 4)..]) : 0;

        public string Ascii(int n) => Take(n) ? Encoding.ASCII.GetString(_data.Slice(_at - n, n)) : string.Empty;

        /// <summary>Valid UTF-8 only (a malformed sequence fails the read, so a decoded record encodes back to its bytes).</summary>
        public string Utf8(int n)
        {
            if (!Take(n) || !System.Text.Unicode.Utf8.IsValid(_data.Slice(_at - n, n)))
            {
                Ok = false;
                return string.Empty;
            }

            return Encoding.UTF8.GetString(_data.Slice(_at - n, n));
        }

        private bool Take(int n)
        {
            if (!Ok || n > Left)
            {
                Ok = false;
                return false;
            }

            _at += n;
            return true;
        }
    }
}
