using System.Buffers.Binary;
using EdgeLam.Fuzz.Tests.Fuzzing;
using EdgeLam.Wire.Checksums;
using EdgeLam.Wire.Codecs;
using EdgeLam.Wire.Frames;

namespace EdgeLam.Fuzz.Tests.Targets;

/// <summary>
/// Activation frames as a peer receives them from the broker: <see cref="FrameReader.TryRead(ReadOnlySpan{byte}, out FrameView)"/>
/// returns a typed <see cref="FrameError"/> or a view. Most mutants get their length field and CRC-32C trailer
/// rewritten so the structure checks behind the checksum are reached.
/// </summary>
public sealed class FrameTarget : FuzzTarget
{
    public override string Name => "frame";

    public override bool IsJson => false;

    public override IReadOnlyList<byte[]> Seeds { get; } = [Frame(WireCodec.Raw, 1), Frame(WireCodec.Float16, 3), Frame(WireCodec.Int8Block32, 5)];

    public override FuzzOutcome Run(byte[] input) =>
        FrameReader.TryRead(input, out _) == FrameError.None ? FuzzOutcome.Accepted : FuzzOutcome.Rejected;

    public override byte[] Repair(byte[] mutant, Random random)
    {
        if (mutant.Length >= 16 && random.Next(8) != 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(mutant.AsSpan(8), (uint)mutant.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(mutant.AsSpan(mutant.Length - 4), Crc32C.Compute(mutant.AsSpan(0, mutant.Length - 4)));
        }

        return mutant;
    }

    private static byte[] Frame(WireCodec codec, int positions)
    {
        var buffer = new byte[4096];
        var header = new FrameHeader { SessionId = new Guid("6f1d3c1e-8a61-4c1b-9b7e-2b9d1d0a4c11"), RequestId = 7, Step = 3, PlanEpoch = 2, BoundaryIndex = 1 };
        var writer = new FrameWriter(buffer, header);
        writer.WriteTensor("hidden_states", [1, positions, 16], codec, Enumerable.Range(0, positions * 16).Select(i => MathF.Sin(i)).ToArray());
        writer.WriteRawTensor<long>("position_ids", WireDType.Int64, [1, positions], Enumerable.Range(0, positions).Select(i => (long)i).ToArray());
        return buffer.AsSpan(0, writer.Complete()).ToArray();
    }
}
