using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace EdgeLam.Wire.Checksums;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF), the checksum of
/// iSCSI (RFC 3720), ext4 and SCTP. Uses the SSE4.2 <c>crc32</c> or ARMv8 <c>crc32c</c> instructions when present and
/// a slicing-by-8 table otherwise; both paths give identical results.
/// </summary>
public static class Crc32C
{
    /// <summary>The reflected Castagnoli polynomial.</summary>
    public const uint ReflectedPolynomial = 0x82F63B78u;

    private static readonly uint[] Table = CreateTable();

    /// <summary>Whether this CPU computes CRC-32C with a dedicated instruction.</summary>
    public static bool IsHardwareAccelerated => Sse42.IsSupported || ArmCrc32.IsSupported;

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a CRC: <c>Append(Compute(a), b) == Compute(a ++ b)</c>.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>Advances the raw (pre-inverted) register state over <paramref name="data"/>.</summary>
    internal static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.IsSupported || ArmCrc32.IsSupported)
        {
            return UpdateHardware(state, data);
        }

        return UpdateTable(state, data);
    }

    /// <summary>The instruction path (callers check <see cref="IsHardwareAccelerated"/>).</summary>
    internal static uint UpdateHardware(uint state, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        if (Sse42.X64.IsSupported)
        {
            ulong s = state;
            for (; i + 8 <= length; i += 8)
            {
                s = Sse42.X64.Crc32(s, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            }

            state = (uint)s;
        }
        else if (ArmCrc32.Arm64.IsSupported)
        {
            for (; i + 8 <= length; i += 8)
            {
                state = ArmCrc32.Arm64.ComputeCrc32C(state, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            }
        }

        if (Sse42.IsSupported)
        {
            for (; i + 4 <= length; i += 4)
            {
                state = Sse42.Crc32(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)));
            }

            for (; i < length; i++)
            {
                state = Sse42.Crc32(state, Unsafe.Add(ref p, i));
            }
        }
        else if (ArmCrc32.IsSupported)
        {
            for (; i + 4 <= length; i += 4)
            {
                state = ArmCrc32.ComputeCrc32C(state, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)));
            }

            for (; i < length; i++)
            {
                state = ArmCrc32.ComputeCrc32C(state, Unsafe.Add(ref p, i));
            }
        }
        else
        {
            return UpdateTable(state, data);
        }

        return state;
    }

    /// <summary>The portable slicing-by-8 path.</summary>
    internal static uint UpdateTable(uint state, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = Table;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[(7 * 256) + (int)(one & 0xFF)]
                ^ t[(6 * 256) + (int)((one >> 8) & 0xFF)]
                ^ t[(5 * 256) + (int)((one >> 16) & 0xFF)]
                ^ t[(4 * 256) + (int)(one >> 24)]
                ^ t[(3 * 256) + (int)(two & 0xFF)]
                ^ t[(2 * 256) + (int)((two >> 8) & 0xFF)]
                ^ t[256 + (int)((two >> 16) & 0xFF)]
                ^ t[(int)(two >> 24)];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            state = t[(int)((state ^ b) & 0xFF)] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint crc = i;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[(int)(previous & 0xFF)];
            }
        }

        return table;
    }
}
