using System.Buffers.Binary;
using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Gateway.Offline;
using EdgeLam.Transport.Roles;
using EdgeLam.Wire.Checksums;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// Offline queue records as the gateway reads them back from its segment files after a crash or a disk fault:
/// <see cref="OfflineRecordCodec.Decode"/> returns Ok, Incomplete or Corrupt and never throws. Most mutants get their
/// length and CRC-32C rewritten so the body checks behind the checksum are reached; an accepted record must encode
/// back to the same bytes.
/// </summary>
public sealed class OfflineRecordTarget : FuzzTarget
{
    public override string Name => "offline-record";

    public override bool IsJson => false;

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 1, new OfflineWindow(
            "s0193a1b2c3d4e5f60718293a4b5c6d7e",
            1_765_000_000_000,
            """{"startUtc":"2026-12-06T02:00:00+00:00","endUtc":"2026-12-06T02:00:01+00:00","startNs":1,"endNs":2,"streams":[{"name":"env","tokenizer":"chronos","positions":3}]}""",
            [new GatewayInputPart([11, 2, 300, 301], null, 4), new GatewayInputPart(null, [0.5f, -1, 2, 3, 4, 5], 2)]))),
        OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Window, 9, new OfflineWindow("s1", 0, null, [new GatewayInputPart([1], null, 1)]))),
        OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Removed, 7, Reason: OfflineRemoval.CapBytes)),
        OfflineRecordCodec.Encode(new OfflineRecord(OfflineRecordKind.Attempted, 3)),
    ];

    public override FuzzOutcome Run(byte[] input)
    {
        if (OfflineRecordCodec.Decode(input, out var record, out var consumed, out _) != OfflineDecodeStatus.Ok)
        {
            return FuzzOutcome.Rejected;
        }

        // What decodes is what was written: encoding it again gives the same bytes.
        if (!OfflineRecordCodec.Encode(record!).AsSpan().SequenceEqual(input.AsSpan(0, consumed)))
        {
            throw new InvalidDataException("A decoded record does not encode back to its bytes.");
        }

        return FuzzOutcome.Accepted;
    }

    public override byte[] Repair(byte[] mutant, Random random)
    {
        if (mutant.Length >= OfflineRecordCodec.PrefixBytes + 10 && random.Next(8) != 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(mutant, (uint)(mutant.Length - OfflineRecordCodec.PrefixBytes));
            BinaryPrimitives.WriteUInt32LittleEndian(mutant.AsSpan(4), Crc32C.Compute(mutant.AsSpan(OfflineRecordCodec.PrefixBytes)));
        }

        return mutant;
    }
}
