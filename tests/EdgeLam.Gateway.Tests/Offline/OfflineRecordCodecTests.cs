using System.Buffers.Binary;
using System.Text;
using EdgeLam.Gateway.Offline;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Checksums;

namespace EdgeLam.Gateway.Tests.Offline;

public sealed class OfflineRecordCodecTests
{
    internal static OfflineWindow Window(string id = "s0193a1b2c3d4e5f6", long created = 1_765_000_000_000, int tokens = 5, int rows = 2) =>
        new(
            id,
            created,
            """{"startUtc":"2026-12-06T02:00:00+00:00","endUtc":"2026-12-06T02:00:01.6+00:00","startNs":1,"endNs":2,"streams":[{"name":"env","tokenizer":"chronos","positions":3}]}""",
            [
                new GatewayInputPart([.. Enumerable.Range(0, tokens).Select(i => (long)(i * 1000) - 7)], null, tokens),
                new GatewayInputPart(null, [.. Enumerable.Range(0, rows * 3).Select(i => (i * 0.25f) - 1)], rows),
                new GatewayInputPart([long.MaxValue, long.MinValue], null, 2),
            ]);

    [Fact]
    public void Encode_WindowRecord_DecodesToTheSameIdsRowsAndMetadata()
    {
        var window = Window();
        var bytes = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 42, window));

        Assert.Equal(OfflineDecodeStatus.Ok, OfflineRecordCodec.Decode(bytes, out var record, out var consumed, out var problem));
        Assert.Null(problem);
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(42ul, record!.Sequence);
        var back = record.Window!;
        Assert.Equal(window.Id, back.Id);
        Assert.Equal(window.CreatedUnixMs, back.CreatedUnixMs);
        Assert.Equal(window.Window, back.Window);
        Assert.Equal(3, back.Parts.Count);
        Assert.Equal(window.Parts[0].Ids, back.Parts[0].Ids);
        Assert.Equal(window.Parts[1].Embeddings, back.Parts[1].Embeddings);
        Assert.Equal(2, back.Parts[1].Positions);
        Assert.Equal([long.MaxValue, long.MinValue], back.Parts[2].Ids!);
    }

    [Fact]
    public void Encode_Marks_DecodeWithKindSequenceAndReason()
    {
        var removed = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Removed, 7, Reason: OfflineRemoval.CapBytes));
        var attempted = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Attempted, ulong.MaxValue));
        var both = removed.Concat(attempted).ToArray();

        Assert.Equal(OfflineDecodeStatus.Ok, OfflineRecordCodec.Decode(both, out var first, out var n, out _));
        Assert.Equal(OfflineDecodeStatus.Ok, OfflineRecordCodec.Decode(both.AsSpan(n), out var second, out _, out _));
        Assert.Equal(new OfflineRecord(OfflineRecordKind.Removed, 7, Reason: OfflineRemoval.CapBytes), first);
        Assert.Equal(new OfflineRecord(OfflineRecordKind.Attempted, ulong.MaxValue), second);
    }

    [Fact]
    public void Decode_WindowRoundTrip_BackToTheSameGatewayRequest()
    {
        var request = Window().ToRequest();
        var again = OfflineWindow.From(request, 5).ToRequest();

        Assert.Equal(request.Id, again.Id);
        Assert.Equal(request.Positions, again.Positions);
        Assert.Equal("env", again.Window!.Streams[0].Name);
    }

    [Fact]
    public void Decode_EveryTruncation_IncompleteNeverOk()
    {
        var bytes = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 1, Window()));

        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Equal(OfflineDecodeStatus.Incomplete, OfflineRecordCodec.Decode(bytes.AsSpan(0, cut), out var record, out var consumed, out _));
            Assert.Null(record);
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void Decode_AnyFlippedBitAfterTheLength_Corrupt()
    {
        var bytes = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 1, Window(tokens: 2, rows: 1)));

        for (var bit = 32; bit < bytes.Length * 8; bit++)
        {
            var copy = (byte[])bytes.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(OfflineDecodeStatus.Corrupt, OfflineRecordCodec.Decode(copy, out var record, out _, out var problem));
            Assert.Null(record);
            Assert.NotNull(problem);
        }
    }

    [Theory]
    [InlineData(0u, "outside")]
    [InlineData(OfflineRecordCodec.MaxRecordBytes + 1u, "outside")]
    public void Decode_LengthOutOfRange_CorruptNamingTheLength(uint length, string expected)
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);

        Assert.Equal(OfflineDecodeStatus.Corrupt, OfflineRecordCodec.Decode(bytes, out _, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OtherVersionWithValidChecksum_CorruptNamingTheVersion()
    {
        var bytes = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Attempted, 3));
        bytes[OfflineRecordCodec.PrefixBytes] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(bytes.AsSpan(OfflineRecordCodec.PrefixBytes)));

        Assert.Equal(OfflineDecodeStatus.Corrupt, OfflineRecordCodec.Decode(bytes, out _, out _, out var problem));
        Assert.Contains("version 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PartCountLargerThanTheBodyWithValidChecksum_CorruptWithoutAllocating()
    {
        // A window body whose one part claims 2^31-1 ids: the checksum is right, the count is not.
        var body = new List<byte> { OfflineRecordCodec.Version, (byte)OfflineRecordKind.Window };
        body.AddRange(new byte[8]); // sequence
        body.AddRange(new byte[8]); // created
        body.Add(1);
        body.Add((byte)'s');
        body.AddRange(new byte[2]); // no window metadata
        body.AddRange([1, 0]); // one part
        body.Add(1); // ids
        body.AddRange(BitConverter.GetBytes(int.MaxValue));
        var bytes = new byte[OfflineRecordCodec.PrefixBytes + body.Count];
        body.CopyTo(bytes, OfflineRecordCodec.PrefixBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)body.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Crc32C.Compute(bytes.AsSpan(OfflineRecordCodec.PrefixBytes)));

        Assert.Equal(OfflineDecodeStatus.Corrupt, OfflineRecordCodec.Decode(bytes, out _, out _, out var problem));
        Assert.Contains("does not fit", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ümlaut")]
    public void Encode_BadRequestId_ArgumentException(string id) =>
        Assert.Throws<ArgumentException>(() => OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 1, Window(id))));

    [Fact]
    public void Encode_NoParts_ArgumentException() =>
        Assert.Throws<ArgumentException>(() => OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 1, Window() with { Parts = [] })));

    [Fact]
    public void Decode_WindowMetadataIsUtf8_KeptExactly()
    {
        var window = Window() with { Window = "{\"note\":\"" + new string('é', 3) + "\"}" };
        var bytes = OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 1, window));

        Assert.Equal(OfflineDecodeStatus.Ok, OfflineRecordCodec.Decode(bytes, out var record, out _, out _));
        Assert.Equal(window.Window, record!.Window!.Window);
        Assert.True(bytes.Length > Encoding.UTF8.GetByteCount(window.Window!));
    }
}
